package dev.sliceflow.warehouse;

import static dev.sliceflow.warehouse.Sql.LOADS;
import static dev.sliceflow.warehouse.Sql.MANIFESTS;
import static dev.sliceflow.warehouse.Sql.METADATA_COLUMNS;
import static dev.sliceflow.warehouse.Sql.STATE;
import static dev.sliceflow.warehouse.Sql.quote;
import static dev.sliceflow.warehouse.Sql.timestamp;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.destination.ForwardingBookkeeping;
import dev.sliceflow.destination.LoadDeadline;
import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.PartPrefetch;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load protocol of every SQL warehouse (docs/loading.md), over a {@link SqlDialect}. A batch loads in one
 * transaction:
 * <ol>
 *   <li>claim each manifest in {@code _sliceflow_manifests}, in key order (a manifest already there, or claimed by a
 *       concurrent loader that commits, is skipped);</li>
 *   <li>lock the state rows of every (source, table, account, region) the batch touches, in one deterministic order;</li>
 *   <li>decide each table of each manifest: failed, stale (older than what is loaded, or than a newer manifest of the
 *       same slice in the batch), or loaded;</li>
 *   <li>check every schema change before any DDL (a type change fails its manifest alone), then create and extend
 *       tables;</li>
 *   <li>one DELETE per table for every slice the batch replaces, one bulk load per table streaming every part of every
 *       manifest with each part's own metadata values;</li>
 *   <li>state and ledger rows in batched statements; commit.</li>
 * </ol>
 * A failure that belongs to one manifest (a part unlike its listing, a type change) fails that manifest and the rest
 * load in a new transaction; a permanent failure the engine reports without naming its source (a value a column
 * refuses) is found by bisecting the batch; anything else is transient for the whole batch.
 */
public final class SqlWarehouse implements Warehouse, ForwardingBookkeeping {
    private static final Logger LOG = LoggerFactory.getLogger(SqlWarehouse.class);
    /** Parts fetched ahead of the bulk load: enough to hide S3's time to first byte behind a COPY. */
    private static final int PREFETCH_PARTS = 8;
    private static final long PREFETCH_BYTES = 64L << 20;
    private static final long PREFETCH_MAX_PART = 16L << 20;
    private static final java.util.concurrent.ExecutorService DEFAULT_POOL =
            java.util.concurrent.Executors.newFixedThreadPool(PREFETCH_PARTS, r -> {
                Thread thread = new Thread(r, "sliceflow-part-prefetch");
                thread.setDaemon(true);
                return thread;
            });

    private final SqlDialect dialect;
    private final SqlSession session;
    private final SqlLedger ledger;
    private final java.util.concurrent.Executor prefetchPool;

    public SqlWarehouse(SqlDialect dialect) {
        this(dialect, DEFAULT_POOL);
    }

    /** @param prefetchPool fetches parts ahead of the bulk load */
    public SqlWarehouse(SqlDialect dialect, java.util.concurrent.Executor prefetchPool) {
        this.dialect = dialect;
        this.prefetchPool = prefetchPool;
        SqlLedger[] created = new SqlLedger[1];
        this.session = new SqlSession(dialect, c -> {
            created[0].create(c);
            return null;
        });
        this.ledger = new SqlLedger(dialect, session);
        created[0] = ledger;
    }

    public SqlDialect dialect() {
        return dialect;
    }

    // ------------------------------------------------------------------ Destination

    @Override
    public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts) {
        return load(batch, parts, LoadDeadline.none());
    }

    /** Past {@code deadline} nothing starts or commits: the transaction running then rolls back (a retry). */
    @Override
    public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts, LoadDeadline deadline) {
        return dev.sliceflow.destination.BatchOutcomes.of(batch, SqlWarehouse::checkIdentifiers, (candidates, outcomes) ->
                loadOrIsolate(batch, candidates, deadline.guard(parts), deadline, outcomes));
    }

    private void loadOrIsolate(List<StagedManifest> batch, List<Integer> indices, PartOpener parts,
                               LoadDeadline deadline, Map<Integer, ManifestOutcome> outcomes) {
        if (indices.isEmpty()) {
            return;
        }
        String what = indices.size() == 1 ? "cannot load manifest " + batch.get(indices.get(0)).key()
                : "cannot load a batch of " + indices.size() + " manifests";
        try {
            Phases phases = new Phases();
            Map<Integer, LoadResult> results = session.inTransaction(what, deadline,
                    c -> loadInTransaction(c, batch, indices, parts, deadline, phases));
            phases.lap("commit");
            LOG.info("{}: {}", phases.summary(), phases);
            results.forEach((i, result) -> outcomes.put(i, new ManifestOutcome.Loaded(batch.get(i).key(), result)));
        } catch (ManifestFailure failure) {
            List<Integer> blamed = new ArrayList<>();
            List<Integer> rest = new ArrayList<>();
            for (int i : indices) {
                (batch.get(i).key().equals(failure.manifestKey()) ? blamed : rest).add(i);
            }
            if (blamed.isEmpty()) {
                // cannot happen: a failure names a manifest of the batch; fail safe
                indices.forEach(i -> outcomes.put(i, outcome(batch.get(i).key(), failure.failure())));
                return;
            }
            LOG.warn("manifest {} fails alone: {}", failure.manifestKey(), failure.getMessage());
            blamed.forEach(i -> outcomes.put(i, outcome(batch.get(i).key(), failure.failure())));
            loadOrIsolate(batch, rest, parts, deadline, outcomes);
        } catch (InvalidInputException e) {
            if (indices.size() == 1) {
                outcomes.put(indices.get(0), new ManifestOutcome.Rejected(batch.get(indices.get(0)).key(), e));
                return;
            }
            // the engine refused something without saying whose: find it by halves
            LOG.warn("a batch of {} manifests failed permanently ({}): bisecting", indices.size(), e.getMessage());
            int half = indices.size() / 2;
            loadOrIsolate(batch, new ArrayList<>(indices.subList(0, half)), parts, deadline, outcomes);
            loadOrIsolate(batch, new ArrayList<>(indices.subList(half, indices.size())), parts, deadline, outcomes);
        } catch (TransientLoadException e) {
            indices.forEach(i -> outcomes.put(i, new ManifestOutcome.Retry(batch.get(i).key(), e)));
        }
    }

    private static ManifestOutcome outcome(String key, RuntimeException failure) {
        if (failure instanceof InvalidInputException invalid) {
            return new ManifestOutcome.Rejected(key, invalid);
        }
        if (failure instanceof TransientLoadException transientFailure) {
            return new ManifestOutcome.Retry(key, transientFailure);
        }
        return new ManifestOutcome.Retry(key, new TransientLoadException(failure.getMessage(), failure));
    }

    // ------------------------------------------------------------------ the transaction

    /** (source, table, account, region): the unit of replace, stale and state. */
    private record SliceTable(String source, String table, String account, String region)
            implements Comparable<SliceTable> {
        private static final Comparator<SliceTable> ORDER = Comparator.comparing(SliceTable::source)
                .thenComparing(SliceTable::table).thenComparing(SliceTable::account).thenComparing(SliceTable::region);

        static SliceTable of(Manifest m, String table) {
            return new SliceTable(m.source(), table, m.account(), m.region());
        }

        @Override
        public int compareTo(SliceTable other) {
            return ORDER.compare(this, other);
        }
    }

    /** One table of one claimed manifest and what the batch does with it. */
    private static final class Decision {
        final int index;
        final StagedManifest staged;
        final ManifestTable table;
        LoadStatus status;
        /** Loaded, but replaced within this batch by a manifest of the same sync: its rows are not inserted. */
        boolean superseded;

        Decision(int index, StagedManifest staged, ManifestTable table, LoadStatus status) {
            this.index = index;
            this.staged = staged;
            this.table = table;
            this.status = status;
        }

        Manifest manifest() {
            return staged.manifest();
        }

        SliceTable slice() {
            return SliceTable.of(manifest(), table.name());
        }

        boolean inserts() {
            return status == LoadStatus.LOADED && !superseded;
        }
    }

    private Map<Integer, LoadResult> loadInTransaction(Connection c, List<StagedManifest> batch, List<Integer> indices,
                                                       PartOpener parts, LoadDeadline deadline, Phases phases)
            throws Exception {
        phases.restart();
        Map<Integer, LoadResult> results = new HashMap<>();
        List<Integer> claimed = claim(c, batch, indices);
        phases.lap("claim");
        for (int i : indices) {
            if (!claimed.contains(i)) {
                LOG.info("manifest {} (sha256 {}) is already loaded: skipped", batch.get(i).key(), batch.get(i).sha256());
                results.put(i, LoadResult.skipped(batch.get(i).key()));
            }
        }
        if (claimed.isEmpty()) {
            phases.summarise("skipped " + indices.size() + " manifests already loaded");
            return results;
        }
        List<Decision> decisions = decide(c, batch, claimed);
        phases.lap("lock");
        Map<String, Map<String, String>> existing = new HashMap<>();
        Map<String, TableSchema> schemas = checkSchemas(c, decisions, existing);
        // a table this batch creates gets its indexes after its rows: one sorted build, not an insert per row
        Set<String> created = new HashSet<>();
        for (TableSchema schema : schemas.values()) {
            if (evolve(c, schema, existing.get(schema.name()))) {
                created.add(schema.name());
            }
        }
        phases.lap("schema");
        Map<String, List<Decision>> tablesToLoad = byTable(decisions);
        Map<String, List<List<Decision>>> loads = new TreeMap<>();
        List<dev.sliceflow.manifest.ManifestPart> readOrder = new ArrayList<>();
        for (Map.Entry<String, List<Decision>> table : tablesToLoad.entrySet()) {
            List<List<Decision>> groups = byColumns(table.getValue());
            loads.put(table.getKey(), groups);
            groups.forEach(g -> g.forEach(d -> readOrder.addAll(d.table.parts())));
        }
        try (PartPrefetch prefetch = new PartPrefetch(readOrder, parts, prefetchPool, PREFETCH_PARTS,
                PREFETCH_BYTES, PREFETCH_MAX_PART, deadline).start()) {
            for (Map.Entry<String, List<List<Decision>>> table : loads.entrySet()) {
                deleteReplaced(c, table.getKey(), tablesToLoad.get(table.getKey()));
                phases.lap("delete");
                for (List<Decision> group : table.getValue()) {
                    bulkLoad(c, group, prefetch);
                }
                phases.lap("copy");
                if (created.contains(table.getKey())) {
                    indexCreated(c, table.getKey());
                    phases.lap("index");
                }
            }
        }
        advanceState(c, decisions);
        phases.lap("state");
        writeLedger(c, decisions);
        phases.lap("ledger");

        Map<Integer, List<LoadResult.TableLoad>> tables = new TreeMap<>();
        for (Decision d : decisions) {
            long rows = d.status == LoadStatus.LOADED ? d.table.rows() : 0;
            String error = d.status == LoadStatus.FAILED ? d.table.error() : null;
            tables.computeIfAbsent(d.index, i -> new ArrayList<>())
                    .add(new LoadResult.TableLoad(d.table.name(), d.status, rows, error));
        }
        for (int i : claimed) {
            results.put(i, new LoadResult(batch.get(i).key(), false, tables.getOrDefault(i, List.of())));
        }
        long rows = decisions.stream().filter(Decision::inserts).mapToLong(d -> d.table.rows()).sum();
        phases.summarise("loaded " + claimed.size() + " manifests (" + (indices.size() - claimed.size())
                + " skipped) in one transaction: " + rows + " rows, "
                + decisions.stream().filter(d -> d.status == LoadStatus.LOADED).count() + " tables loaded, "
                + decisions.stream().filter(d -> d.status == LoadStatus.STALE).count() + " stale, "
                + decisions.stream().filter(d -> d.status == LoadStatus.FAILED).count() + " failed");
        return results;
    }

    /**
     * Claims in key order, so two batches sharing manifests wait on each other instead of deadlocking: one INSERT of
     * every claim (a statement per row costs milliseconds in DuckDB); a duplicate within the batch claims nothing.
     */
    private List<Integer> claim(Connection c, List<StagedManifest> batch, List<Integer> indices) throws SQLException {
        List<Integer> order = new ArrayList<>(indices);
        order.sort(Comparator.comparing((Integer i) -> batch.get(i).key()).thenComparing(i -> batch.get(i).sha256())
                .thenComparing(i -> i));
        Map<List<String>, Integer> first = new LinkedHashMap<>();
        for (int i : order) {
            first.putIfAbsent(List.of(batch.get(i).key(), batch.get(i).sha256()), i);
        }
        ColumnarRows rows = new ColumnarRows("manifest_key", "manifest_sha256", "sync_id", "sync_time", "source",
                "account", "region", "seq", "is_last", "write_mode", "table_count", "row_count");
        for (int i : first.values()) {
            StagedManifest s = batch.get(i);
            Manifest m = s.manifest();
            rows.add(s.key(), s.sha256(), m.syncId(), timestamp(m.syncTime()), m.source(), m.account(), m.region(),
                    Integer.toString(m.seq()), Boolean.toString(m.last()),
                    m.writeMode().name().toLowerCase(Locale.ROOT),
                    Integer.toString(m.tables().size()), Long.toString(m.totalRows()));
        }
        String sql = "INSERT INTO " + MANIFESTS + " (manifest_key, manifest_sha256, sync_id, sync_time, source,"
                + " account, region, seq, is_last, write_mode, table_count, row_count, loaded_at)"
                + " SELECT v.manifest_key, v.manifest_sha256, v.sync_id, CAST(v.sync_time AS timestamptz), v.source,"
                + " v.account, v.region, CAST(v.seq AS integer), CAST(v.is_last AS boolean), v.write_mode,"
                + " CAST(v.table_count AS integer), CAST(v.row_count AS bigint), CURRENT_TIMESTAMP"
                + " FROM " + rows.relation(dialect) + " ON CONFLICT DO NOTHING RETURNING manifest_key, manifest_sha256";
        Set<List<String>> inserted = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            rows.bind(c, dialect, ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(List.of(rs.getString(1), rs.getString(2)));
                }
            }
        }
        List<Integer> claimed = new ArrayList<>();
        for (int i : first.values()) {
            if (inserted.contains(List.of(batch.get(i).key(), batch.get(i).sha256()))) {
                claimed.add(i);
            }
        }
        claimed.sort(Comparator.naturalOrder());
        return claimed;
    }

    /**
     * Locks the state rows and decides every table of every claimed manifest, as if the batch had come one by one with
     * its newest manifests last: a newer manifest of the same slice in the batch makes an older one stale.
     */
    private List<Decision> decide(Connection c, List<StagedManifest> batch, List<Integer> claimed) throws SQLException {
        List<Decision> decisions = new ArrayList<>();
        Set<SliceTable> slices = new java.util.TreeSet<>();
        for (int i : claimed) {
            for (ManifestTable table : batch.get(i).manifest().tables()) {
                decisions.add(new Decision(i, batch.get(i), table, LoadStatus.LOADED));
                slices.add(SliceTable.of(batch.get(i).manifest(), table.name()));
            }
        }
        Map<SliceTable, Instant> last = lockState(c, new ArrayList<>(slices));
        Map<SliceTable, List<Decision>> candidates = new LinkedHashMap<>();
        for (Decision d : decisions) {
            Instant loaded = last.get(d.slice());
            if (d.table.status() == TableStatus.FAILED) {
                d.status = LoadStatus.FAILED;
            } else if (loaded != null && d.manifest().syncTime().isBefore(loaded)) {
                d.status = LoadStatus.STALE;
            } else {
                candidates.computeIfAbsent(d.slice(), s -> new ArrayList<>()).add(d);
            }
        }
        for (List<Decision> group : candidates.values()) {
            if (group.size() < 2) {
                continue;
            }
            // replace: the newest sync wins (the latest of equals); append: every sync's rows stay, one copy per sync
            Map<String, Decision> winners = new HashMap<>();
            Instant newestReplace = group.stream().filter(d -> d.manifest().writeMode() == WriteMode.REPLACE)
                    .map(d -> d.manifest().syncTime()).max(Comparator.naturalOrder()).orElse(null);
            for (Decision d : group) {
                Manifest m = d.manifest();
                if (m.writeMode() == WriteMode.REPLACE && m.syncTime().isBefore(newestReplace)) {
                    d.status = LoadStatus.STALE;
                    continue;
                }
                String winnerKey = m.writeMode() == WriteMode.REPLACE ? "" : m.syncId();
                Decision previous = winners.put(winnerKey, d);
                if (previous != null) {
                    previous.superseded = true;
                }
            }
        }
        return decisions;
    }

    /** Inserts missing state rows, then locks all of them in one order; returns each one's last loaded syncTime. */
    private Map<SliceTable, Instant> lockState(Connection c, List<SliceTable> slices) throws SQLException {
        ColumnarRows rows = new ColumnarRows("source", "table_name", "account", "region");
        slices.forEach(s -> rows.add(s.source(), s.table(), s.account(), s.region()));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + STATE + " (source, table_name, account, region)"
                + " SELECT v.source, v.table_name, v.account, v.region FROM " + rows.relation(dialect)
                + " ON CONFLICT DO NOTHING")) {
            rows.bind(c, dialect, ps, 1);
            ps.executeUpdate();
        }
        Map<SliceTable, Instant> last = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT s.source, s.table_name, s.account, s.region,"
                + " s.last_sync_time FROM " + STATE + " s JOIN " + rows.relation(dialect) + " ON s.source = v.source"
                + " AND s.table_name = v.table_name AND s.account = v.account AND s.region = v.region"
                + dialect.lockStateRows())) {
            rows.bind(c, dialect, ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last.put(new SliceTable(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                            Sql.instant(rs, 5));
                }
            }
        }
        return last;
    }

    /**
     * The schema of every table to load, merged in batch order; a column whose type differs from the warehouse's or
     * from an earlier manifest of the batch fails that manifest alone, before any DDL.
     */
    private Map<String, TableSchema> checkSchemas(Connection c, List<Decision> decisions,
                                                  Map<String, Map<String, String>> existing) throws Exception {
        Map<String, TableSchema> merged = new TreeMap<>();
        Map<String, Map<String, String>> columns = new HashMap<>();
        for (Decision d : decisions) {
            if (d.status != LoadStatus.LOADED) {
                continue;
            }
            String table = d.table.name();
            Map<String, String> have = columns.get(table);
            if (have == null) {
                have = new LinkedHashMap<>(dialect.existingColumns(c, table));
                existing.put(table, Map.copyOf(have));
                if (!have.isEmpty()) {
                    for (String meta : METADATA_COLUMNS) {
                        if (!have.containsKey(meta)) {
                            throw new ManifestFailure(d.staged.key(), new InvalidInputException("table " + table
                                    + " exists but has no column " + meta + ": it was not created by sliceflow"));
                        }
                    }
                }
                columns.put(table, have);
            }
            for (Column column : d.table.schema().columns()) {
                String want = dialect.typeName(column.type());
                String current = have.get(column.name());
                if (current != null && !current.equalsIgnoreCase(want)) {
                    throw new ManifestFailure(d.staged.key(), incompatible(table, column, current, want));
                }
            }
            TableSchema previous = merged.get(table);
            List<Column> all = new ArrayList<>(previous == null ? List.of() : previous.columns());
            for (Column column : d.table.schema().columns()) {
                if (all.stream().noneMatch(x -> x.name().equals(column.name()))) {
                    all.add(column);
                }
            }
            merged.put(table, new TableSchema(table, all, d.table.schema().primaryKey()));
            for (Column column : d.table.schema().columns()) {
                have.putIfAbsent(column.name(), dialect.typeName(column.type()));
            }
        }
        return merged;
    }

    /** {@code e} with its message naming the table, its SQLSTATE (what the dialect classifies by) kept. */
    private static SQLException inTable(String table, SQLException e) {
        SQLException named = new SQLException("table " + table + ": " + e.getMessage(), e.getSQLState(),
                e.getErrorCode(), e);
        return named;
    }

    /**
     * Creates the table, or adds the batch's new columns ({@code existing}: its columns as read before); true when
     * this transaction created it, so its {@link SqlDialect#afterCreate} DDL is still to run.
     */
    private boolean evolve(Connection c, TableSchema schema, Map<String, String> existing) throws SQLException {
        try {
            return createOrExtend(c, schema, existing);
        } catch (SQLException e) {
            throw inTable(schema.name(), e);
        }
    }

    /** The created table's indexes, built once its first rows are in (no other transaction can see it yet). */
    private void indexCreated(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String ddl : dialect.afterCreate(table)) {
                st.execute(ddl);
            }
        } catch (SQLException e) {
            throw inTable(table, e);
        }
    }

    private boolean createOrExtend(Connection c, TableSchema schema, Map<String, String> existing)
            throws SQLException {
        String table = schema.name();
        if (!existing.isEmpty() && schema.columns().stream().allMatch(col -> existing.containsKey(col.name()))) {
            return false;
        }
        dialect.lockForDdl(c, table);
        Map<String, String> current = dialect.existingColumns(c, table);
        try (Statement st = c.createStatement()) {
            if (current.isEmpty()) {
                List<String> columns = new ArrayList<>();
                for (Column column : schema.columns()) {
                    columns.add(quote(column.name()) + " " + dialect.typeName(column.type()));
                }
                for (String meta : METADATA_COLUMNS) {
                    columns.add(quote(meta) + " " + (meta.equals("_sync_time")
                            ? dialect.typeName(ColumnType.TIMESTAMP) : dialect.metadataTextType()));
                }
                st.execute("CREATE TABLE " + quote(table) + " (" + String.join(", ", columns) + ")");
                LOG.info("created table {}", table);
                return true;
            }
            for (Column column : schema.columns()) {
                String have = current.get(column.name());
                String want = dialect.typeName(column.type());
                if (have == null) {
                    st.execute("ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(column.name()) + " " + want);
                    LOG.info("added column {}.{} {}", table, column.name(), want);
                } else if (!have.equalsIgnoreCase(want)) {
                    // a concurrent loader changed it since the check
                    throw new TransientLoadException("table " + table + " column " + column.name()
                            + " changed type while loading");
                }
            }
        }
        return false;
    }

    private InvalidInputException incompatible(String table, Column column, String have, String want) {
        String old = "";
        for (ColumnType type : ColumnType.values()) {
            if (dialect.typeName(type).equalsIgnoreCase(have)) {
                old = " (" + type + ")";
            }
        }
        return new InvalidInputException("incompatible schema change: table " + table + " column " + column.name()
                + " is " + have + old + " in the warehouse but " + want + " (" + column.type()
                + ") in the manifest; nothing was loaded. Change the column's type in the warehouse (or rename the"
                + " column in the source), then redrive the manifest");
    }

    private static Map<String, List<Decision>> byTable(List<Decision> decisions) {
        Map<String, List<Decision>> tables = new TreeMap<>();
        for (Decision d : decisions) {
            if (d.status == LoadStatus.LOADED) {
                tables.computeIfAbsent(d.table.name(), t -> new ArrayList<>()).add(d);
            }
        }
        return tables;
    }

    /** One DELETE per table and write mode for every slice (replace) or slice and sync (append) being loaded. */
    private void deleteReplaced(Connection c, String table, List<Decision> decisions) throws SQLException {
        Set<List<String>> replace = new LinkedHashSet<>();
        Set<List<String>> append = new LinkedHashSet<>();
        for (Decision d : decisions) {
            if (!d.inserts()) {
                continue;
            }
            Manifest m = d.manifest();
            if (m.writeMode() == WriteMode.APPEND) {
                append.add(List.of(m.source(), m.account(), m.region(), m.syncId()));
            } else {
                replace.add(List.of(m.source(), m.account(), m.region()));
            }
        }
        delete(c, table, new ArrayList<>(replace), List.of("_source", "_account", "_region"));
        delete(c, table, new ArrayList<>(append), List.of("_source", "_account", "_region", "_sync_id"));
    }

    private void delete(Connection c, String table, List<List<String>> keys, List<String> columns)
            throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>();
        List<String> on = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            names.add("k" + i);
            on.add("t." + quote(columns.get(i)) + " = v.k" + i);
        }
        ColumnarRows rows = new ColumnarRows(names.toArray(String[]::new));
        keys.forEach(key -> rows.add(key.toArray(String[]::new)));
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + quote(table) + " t USING "
                + rows.relation(dialect) + " WHERE " + String.join(" AND ", on))) {
            rows.bind(c, dialect, ps, 1);
            int deleted = ps.executeUpdate();
            LOG.debug("{}: deleted {} rows being replaced", table, deleted);
        }
    }

    /** The loaded tables' inserting decisions grouped by column list: one bulk load each (usually one per table). */
    private static List<List<Decision>> byColumns(List<Decision> decisions) {
        Map<List<String>, List<Decision>> byColumns = new LinkedHashMap<>();
        for (Decision d : decisions) {
            if (d.inserts() && !d.table.parts().isEmpty()) {
                List<String> names = d.table.schema().columns().stream().map(Column::name).toList();
                byColumns.computeIfAbsent(names, n -> new ArrayList<>()).add(d);
            }
        }
        return new ArrayList<>(byColumns.values());
    }

    private void bulkLoad(Connection c, List<Decision> group, PartOpener parts) throws Exception {
        TableSchema schema = group.get(0).table.schema();
        List<StagedPart> staged = new ArrayList<>();
        long expected = 0;
        for (Decision d : group) {
            d.table.parts().forEach(part -> staged.add(new StagedPart(d.staged.key(), d.manifest(), part)));
            expected += d.table.rows();
        }
        long inserted;
        try {
            inserted = dialect.bulkLoad(c, schema, staged, parts);
        } catch (SQLException e) {
            // the engine rarely says which table (PostgreSQL's "COPY items, line 3" is on a line the reason drops)
            throw inTable(schema.name(), e);
        }
        if (inserted != expected) {
            throw new InvalidInputException("table " + schema.name() + ": " + inserted + " rows inserted, the "
                    + "manifests list " + expected);
        }
    }

    private void advanceState(Connection c, List<Decision> decisions) throws SQLException {
        Map<SliceTable, Decision> newest = new TreeMap<>();
        for (Decision d : decisions) {
            if (d.status == LoadStatus.LOADED) {
                newest.merge(d.slice(), d, (a, b) -> b.manifest().syncTime().isBefore(a.manifest().syncTime()) ? a : b);
            }
        }
        if (newest.isEmpty()) {
            return;
        }
        ColumnarRows rows = new ColumnarRows("sync_id", "sync_time", "manifest_key", "source", "table_name",
                "account", "region");
        newest.forEach((s, d) -> rows.add(d.manifest().syncId(), timestamp(d.manifest().syncTime()), d.staged.key(),
                s.source(), s.table(), s.account(), s.region()));
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + STATE + " AS s SET last_sync_id = v.sync_id,"
                + " last_sync_time = CAST(v.sync_time AS timestamptz), last_manifest_key = v.manifest_key,"
                + " updated_at = CURRENT_TIMESTAMP FROM " + rows.relation(dialect)
                + " WHERE s.source = v.source AND s.table_name = v.table_name AND s.account = v.account"
                + " AND s.region = v.region")) {
            rows.bind(c, dialect, ps, 1);
            ps.executeUpdate();
        }
    }

    private void writeLedger(Connection c, List<Decision> decisions) throws SQLException {
        ColumnarRows rows = new ColumnarRows("manifest_key", "manifest_sha256", "sync_id", "sync_time", "source",
                "account", "region", "seq", "table_name", "row_count", "status", "error");
        for (Decision d : decisions) {
            Manifest m = d.manifest();
            rows.add(d.staged.key(), d.staged.sha256(), m.syncId(), timestamp(m.syncTime()), m.source(), m.account(),
                    m.region(), Integer.toString(m.seq()), d.table.name(),
                    Long.toString(d.status == LoadStatus.LOADED ? d.table.rows() : 0), d.status.sql(),
                    d.status == LoadStatus.FAILED ? d.table.error() : null);
        }
        if (rows.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + LOADS + " (manifest_key, manifest_sha256,"
                + " sync_id, sync_time, source, account, region, seq, table_name, row_count, status, error, loaded_at)"
                + " SELECT v.manifest_key, v.manifest_sha256, v.sync_id, CAST(v.sync_time AS timestamptz), v.source,"
                + " v.account, v.region, CAST(v.seq AS integer), v.table_name, CAST(v.row_count AS bigint), v.status,"
                + " v.error, CURRENT_TIMESTAMP FROM " + rows.relation(dialect))) {
            rows.bind(c, dialect, ps, 1);
            ps.executeUpdate();
        }
    }

    /** The manifest rules again (it is input, and this class may be handed one by other code than the loader). */
    static void checkIdentifiers(Manifest m) {
        dev.sliceflow.manifest.ManifestCodec.validate(m);
    }

    // ------------------------------------------------------------------ Bookkeeping

    @Override
    public Bookkeeping bookkeeping() {
        return ledger;
    }

    @Override
    public void close() {
        session.close();
    }
}

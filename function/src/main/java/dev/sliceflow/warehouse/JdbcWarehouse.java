package dev.sliceflow.warehouse;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load algorithm shared by the SQL warehouses (docs/loading.md), over one JDBC connection that is reopened when it
 * breaks. A subclass supplies the dialect: type names, how it reads a table's columns, how it serialises DDL, how it
 * locks a row, and how it streams a part in.
 *
 * <p>One load, in one transaction: claim the manifest in {@code _sliceflow_manifests} (a manifest already there, or
 * claimed by a concurrent loader that commits, is skipped); per table, in name order, lock its state row in
 * {@code _sliceflow_state} and decide loaded / stale / failed; create or extend the tables to be loaded (a type change
 * fails the whole manifest); delete the rows being replaced; stream the parts in; write {@code _sliceflow_loads} and
 * the state rows; commit.
 */
public abstract class JdbcWarehouse implements Warehouse {
    /** The metadata columns every loaded table gets, after its own columns. */
    public static final List<String> METADATA_COLUMNS = List.of("_sync_id", "_sync_time", "_source", "_account", "_region");
    public static final String MANIFESTS = "_sliceflow_manifests";
    public static final String LOADS = "_sliceflow_loads";
    public static final String STATE = "_sliceflow_state";
    public static final String REJECTS = "_sliceflow_rejects";
    public static final String PLANS = "_sliceflow_plans";
    public static final String SYNC_STATUS = "_sliceflow_sync_status";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcWarehouse.class);

    private final ReentrantLock lock;
    private Connection connection;

    /** A warehouse whose loads this instance serialises (its one connection runs one transaction at a time). */
    protected JdbcWarehouse() {
        this(new ReentrantLock());
    }

    /**
     * @param lock held for each load; warehouses with a single writer per database (DuckDB) share one lock between
     *             every instance on the same database
     */
    protected JdbcWarehouse(ReentrantLock lock) {
        this.lock = lock;
    }

    /** A new connection to the warehouse (auto-commit is turned off by the caller). */
    protected abstract Connection openConnection() throws SQLException;

    /** The warehouse type of a sliceflow column type, exactly as {@link #existingColumns} reports it. */
    protected abstract String typeName(ColumnType type);

    /** The columns of {@code table} (name to type, as {@link #typeName} spells them), empty when it does not exist. */
    protected abstract Map<String, String> existingColumns(Connection c, String table) throws SQLException;

    /** Serialises DDL on {@code table} with other loaders until this transaction ends (no-op for single-writer warehouses). */
    protected abstract void lockForDdl(Connection c, String table) throws SQLException;

    /** " FOR UPDATE" where the warehouse has row locks, else "". */
    protected abstract String forUpdate();

    /** Extra DDL after a table is created (indexes); may be empty. */
    protected List<String> afterCreate(String table) {
        return List.of();
    }

    /** Extra DDL for the ledger (indexes); may be empty. */
    protected List<String> ledgerExtras() {
        return List.of();
    }

    /**
     * Streams one part into {@code table}, with the metadata columns set to this manifest's values, verifying the
     * part's size and SHA-256 as it is read.
     *
     * @return the rows inserted
     */
    protected abstract long loadPart(Connection c, TableSchema schema, Manifest manifest, ManifestPart part,
                                     PartOpener parts) throws SQLException, IOException;

    // ------------------------------------------------------------------ Warehouse

    @Override
    public LoadResult load(Manifest manifest, String manifestKey, String manifestSha256, PartOpener parts) {
        checkIdentifiers(manifest);
        lock.lock();
        try {
            Connection c = connection();
            try {
                LoadResult result = loadInTransaction(c, manifest, manifestKey, manifestSha256, parts);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                rollbackQuietly(c);
                throw translate(e, "cannot load manifest " + manifestKey);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void recordRejected(String manifestKey, String manifestSha256, String reason) {
        runInTransaction("cannot record rejected manifest " + manifestKey, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + REJECTS
                    + " (manifest_key, manifest_sha256, reason, rejected_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                ps.setString(1, manifestKey);
                ps.setString(2, manifestSha256);
                ps.setString(3, reason);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<LedgerEntry> ledger(String syncId) {
        return runInTransaction("cannot read the ledger of sync " + syncId, c -> {
            List<LedgerEntry> entries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT manifest_key, manifest_sha256, sync_id, sync_time,"
                    + " source, account, region, seq, table_name, row_count, status, error, loaded_at FROM " + LOADS
                    + " WHERE sync_id = ? ORDER BY manifest_key, table_name")) {
                ps.setString(1, syncId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new LedgerEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                                instant(rs, 4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8),
                                rs.getString(9), rs.getLong(10), LoadStatus.fromSql(rs.getString(11)),
                                rs.getString(12), instant(rs, 13)));
                    }
                }
            }
            return entries;
        });
    }

    @Override
    public boolean isLoaded(String manifestKey, String manifestSha256) {
        return runInTransaction("cannot read the ledger", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + MANIFESTS
                    + " WHERE manifest_key = ? AND manifest_sha256 = ?")) {
                ps.setString(1, manifestKey);
                ps.setString(2, manifestSha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeQuietly(connection);
            connection = null;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ the load

    private record Plan(ManifestTable table, LoadStatus status) {
    }

    private LoadResult loadInTransaction(Connection c, Manifest m, String key, String sha, PartOpener parts)
            throws SQLException, IOException {
        if (!claim(c, m, key, sha)) {
            LOG.info("manifest {} (sha256 {}) is already loaded: skipped", key, sha);
            return LoadResult.skipped(key);
        }
        List<ManifestTable> tables = m.tables().stream().sorted(Comparator.comparing(ManifestTable::name)).toList();
        List<Plan> plans = new ArrayList<>();
        for (ManifestTable table : tables) {
            Instant last = lockState(c, m, table.name());
            LoadStatus status;
            if (table.status() == TableStatus.FAILED) {
                status = LoadStatus.FAILED;
            } else if (last != null && m.syncTime().isBefore(last)) {
                status = LoadStatus.STALE;
            } else {
                status = LoadStatus.LOADED;
            }
            plans.add(new Plan(table, status));
        }
        // every schema change first, so an incompatible one fails the manifest before any row is touched
        for (Plan plan : plans) {
            if (plan.status() == LoadStatus.LOADED) {
                evolve(c, plan.table().schema());
            }
        }
        List<LoadResult.TableLoad> results = new ArrayList<>();
        for (Plan plan : plans) {
            ManifestTable table = plan.table();
            long rows = 0;
            if (plan.status() == LoadStatus.LOADED) {
                deleteReplaced(c, m, table.name());
                for (ManifestPart part : table.parts()) {
                    long inserted = loadPart(c, table.schema(), m, part, parts);
                    if (inserted != part.rows()) {
                        throw new InvalidInputException("cannot load manifest " + key + ": part " + part.key()
                                + " has " + inserted + " rows, manifest says " + part.rows());
                    }
                    rows += inserted;
                }
                advanceState(c, m, table.name(), key);
            }
            String error = plan.status() == LoadStatus.FAILED ? table.error() : null;
            writeLedger(c, m, key, sha, table.name(), rows, plan.status(), error);
            results.add(new LoadResult.TableLoad(table.name(), plan.status(), rows, error));
        }
        LOG.info("manifest {}: {}", key, results.stream()
                .map(r -> r.table() + "=" + r.status().sql() + (r.status() == LoadStatus.LOADED ? "(" + r.rows() + ")" : ""))
                .collect(Collectors.joining(", ")));
        return new LoadResult(key, false, results);
    }

    private boolean claim(Connection c, Manifest m, String key, String sha) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MANIFESTS + " (manifest_key, manifest_sha256,"
                + " sync_id, sync_time, source, account, region, seq, is_last, write_mode, table_count, row_count,"
                + " loaded_at) VALUES (?, ?, ?, CAST(? AS timestamptz), ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)"
                + " ON CONFLICT DO NOTHING")) {
            ps.setString(1, key);
            ps.setString(2, sha);
            ps.setString(3, m.syncId());
            ps.setString(4, timestamp(m.syncTime()));
            ps.setString(5, m.source());
            ps.setString(6, m.account());
            ps.setString(7, m.region());
            ps.setInt(8, m.seq());
            ps.setBoolean(9, m.last());
            ps.setString(10, m.writeMode().name().toLowerCase(java.util.Locale.ROOT));
            ps.setInt(11, m.tables().size());
            ps.setLong(12, m.totalRows());
            return ps.executeUpdate() == 1;
        }
    }

    /** Locks the (source, table, account, region) state row; returns the last loaded syncTime, or null. */
    private Instant lockState(Connection c, Manifest m, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + STATE
                + " (source, table_name, account, region) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            bindSlice(ps, m, table);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT last_sync_time FROM " + STATE
                + " WHERE source = ? AND table_name = ? AND account = ? AND region = ?" + forUpdate())) {
            bindSlice(ps, m, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return instant(rs, 1);
            }
        }
    }

    private void advanceState(Connection c, Manifest m, String table, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + STATE + " SET last_sync_id = ?,"
                + " last_sync_time = CAST(? AS timestamptz), last_manifest_key = ?, updated_at = CURRENT_TIMESTAMP"
                + " WHERE source = ? AND table_name = ? AND account = ? AND region = ?")) {
            ps.setString(1, m.syncId());
            ps.setString(2, timestamp(m.syncTime()));
            ps.setString(3, key);
            ps.setString(4, m.source());
            ps.setString(5, table);
            ps.setString(6, m.account());
            ps.setString(7, m.region());
            ps.executeUpdate();
        }
    }

    private static void bindSlice(PreparedStatement ps, Manifest m, String table) throws SQLException {
        ps.setString(1, m.source());
        ps.setString(2, table);
        ps.setString(3, m.account());
        ps.setString(4, m.region());
    }

    /** Creates the table, or adds the manifest's new columns; a type change is an {@link InvalidInputException}. */
    private void evolve(Connection c, TableSchema schema) throws SQLException {
        String table = schema.name();
        Map<String, String> existing = existingColumns(c, table);
        if (!needsDdl(schema, existing)) {
            return;
        }
        lockForDdl(c, table);
        existing = existingColumns(c, table);
        try (Statement st = c.createStatement()) {
            if (existing.isEmpty()) {
                List<String> columns = new ArrayList<>();
                for (Column column : schema.columns()) {
                    columns.add(quote(column.name()) + " " + typeName(column.type()));
                }
                for (String meta : METADATA_COLUMNS) {
                    columns.add(quote(meta) + " " + metadataType(meta));
                }
                st.execute("CREATE TABLE " + quote(table) + " (" + String.join(", ", columns) + ")");
                for (String ddl : afterCreate(table)) {
                    st.execute(ddl);
                }
                LOG.info("created table {}", table);
                return;
            }
            for (String meta : METADATA_COLUMNS) {
                if (!existing.containsKey(meta)) {
                    throw new InvalidInputException("table " + table + " exists but has no column " + meta
                            + ": it was not created by sliceflow");
                }
            }
            for (Column column : schema.columns()) {
                String have = existing.get(column.name());
                String want = typeName(column.type());
                if (have == null) {
                    st.execute("ALTER TABLE " + quote(table) + " ADD COLUMN " + quote(column.name()) + " " + want);
                    LOG.info("added column {}.{} {}", table, column.name(), want);
                } else if (!have.equalsIgnoreCase(want)) {
                    throw incompatible(table, column, have, want);
                }
            }
        }
    }

    private boolean needsDdl(TableSchema schema, Map<String, String> existing) {
        if (existing.isEmpty()) {
            return true;
        }
        for (Column column : schema.columns()) {
            String have = existing.get(column.name());
            if (have == null) {
                return true;
            }
            if (!have.equalsIgnoreCase(typeName(column.type()))) {
                throw incompatible(schema.name(), column, have, typeName(column.type()));
            }
        }
        return false;
    }

    private InvalidInputException incompatible(String table, Column column, String have, String want) {
        String old = "";
        for (ColumnType type : ColumnType.values()) {
            if (typeName(type).equalsIgnoreCase(have)) {
                old = " (" + type + ")";
            }
        }
        return new InvalidInputException("incompatible schema change: table " + table + " column " + column.name()
                + " is " + have + old + " in the warehouse but " + want + " (" + column.type()
                + ") in the manifest; nothing was loaded. Change the column's type in the warehouse (or rename the"
                + " column in the source), then redrive the manifest");
    }

    private String metadataType(String meta) {
        return meta.equals("_sync_time") ? typeName(ColumnType.TIMESTAMP) : typeName(ColumnType.STRING);
    }

    private void deleteReplaced(Connection c, Manifest m, String table) throws SQLException {
        boolean append = m.writeMode() == WriteMode.APPEND;
        String sql = "DELETE FROM " + quote(table) + " WHERE _source = ? AND _account = ? AND _region = ?"
                + (append ? " AND _sync_id = ?" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, m.source());
            ps.setString(2, m.account());
            ps.setString(3, m.region());
            if (append) {
                ps.setString(4, m.syncId());
            }
            int deleted = ps.executeUpdate();
            if (deleted > 0) {
                LOG.debug("{}: deleted {} rows being replaced", table, deleted);
            }
        }
    }

    private void writeLedger(Connection c, Manifest m, String key, String sha, String table, long rows,
                             LoadStatus status, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + LOADS + " (manifest_key, manifest_sha256,"
                + " sync_id, sync_time, source, account, region, seq, table_name, row_count, status, error, loaded_at)"
                + " VALUES (?, ?, ?, CAST(? AS timestamptz), ?, ?, ?, ?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
            ps.setString(1, key);
            ps.setString(2, sha);
            ps.setString(3, m.syncId());
            ps.setString(4, timestamp(m.syncTime()));
            ps.setString(5, m.source());
            ps.setString(6, m.account());
            ps.setString(7, m.region());
            ps.setInt(8, m.seq());
            ps.setString(9, table);
            ps.setLong(10, rows);
            ps.setString(11, status.sql());
            ps.setString(12, error);
            ps.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ ledger DDL

    /** The ledger's DDL: generic SQL that PostgreSQL and DuckDB both run. */
    protected List<String> ledgerDdl() {
        String ts = typeName(ColumnType.TIMESTAMP);
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE TABLE IF NOT EXISTS " + MANIFESTS + " (manifest_key text NOT NULL, manifest_sha256 text NOT NULL,"
                        + " sync_id text NOT NULL, sync_time " + ts + " NOT NULL, source text NOT NULL,"
                        + " account text NOT NULL, region text NOT NULL, seq integer NOT NULL, is_last boolean NOT NULL,"
                        + " write_mode text NOT NULL, table_count integer NOT NULL, row_count bigint NOT NULL,"
                        + " loaded_at " + ts + " NOT NULL, PRIMARY KEY (manifest_key, manifest_sha256))",
                "CREATE TABLE IF NOT EXISTS " + LOADS + " (manifest_key text NOT NULL, manifest_sha256 text NOT NULL,"
                        + " sync_id text NOT NULL, sync_time " + ts + " NOT NULL, source text NOT NULL,"
                        + " account text NOT NULL, region text NOT NULL, seq integer NOT NULL, table_name text NOT NULL,"
                        + " row_count bigint NOT NULL, status text NOT NULL, error text, loaded_at " + ts + " NOT NULL,"
                        + " PRIMARY KEY (manifest_key, manifest_sha256, table_name))",
                "CREATE TABLE IF NOT EXISTS " + STATE + " (source text NOT NULL, table_name text NOT NULL,"
                        + " account text NOT NULL, region text NOT NULL, last_sync_id text, last_sync_time " + ts + ","
                        + " last_manifest_key text, updated_at " + ts + ","
                        + " PRIMARY KEY (source, table_name, account, region))",
                "CREATE TABLE IF NOT EXISTS " + REJECTS + " (manifest_key text NOT NULL, manifest_sha256 text,"
                        + " reason text NOT NULL, rejected_at " + ts + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + PLANS + " (sync_id text NOT NULL PRIMARY KEY, sync_time " + ts
                        + " NOT NULL, source text NOT NULL, slices bigint NOT NULL, accounts integer NOT NULL,"
                        + " regions integer NOT NULL, tables text NOT NULL, recorded_at " + ts + " NOT NULL)",
                syncStatusView()));
        ddl.addAll(ledgerExtras());
        return ddl;
    }

    /**
     * Fan-in per sync. A slice is loaded when its last manifest and every earlier seq are loaded (continuations may
     * load out of order); complete when every slice the plan expects is loaded. A slice loaded again (a redelivered
     * request writes the same manifest key with another attempt, and it loads: it replaces the same rows) counts once:
     * manifests by key, and tables and rows by the latest ledger row of each (sync, source, account, region, table).
     */
    private static String syncStatusView() {
        return "CREATE OR REPLACE VIEW " + SYNC_STATUS + " AS"
                + " WITH slices AS (SELECT sync_id, account, region, bool_or(is_last) AS has_last,"
                + "   max(CASE WHEN is_last THEN seq END) AS last_seq, count(DISTINCT seq) AS seqs"
                + "   FROM " + MANIFESTS + " GROUP BY sync_id, account, region),"
                + " loaded AS (SELECT sync_id, count(*) FILTER (WHERE has_last AND seqs = last_seq + 1) AS slices_loaded"
                + "   FROM slices GROUP BY sync_id),"
                + " m AS (SELECT sync_id, min(sync_time) AS sync_time, count(DISTINCT manifest_key) AS manifests,"
                + "   min(loaded_at) AS first_loaded_at, max(loaded_at) AS last_loaded_at FROM " + MANIFESTS
                + "   GROUP BY sync_id),"
                + " latest AS (SELECT sync_id, status, row_count, row_number() OVER (PARTITION BY sync_id, source,"
                + "   account, region, table_name ORDER BY loaded_at DESC, seq DESC, manifest_sha256 DESC) AS nth"
                + "   FROM " + LOADS + "),"
                + " t AS (SELECT sync_id, count(*) FILTER (WHERE status = 'loaded') AS tables_loaded,"
                + "   count(*) FILTER (WHERE status = 'failed') AS tables_failed,"
                + "   count(*) FILTER (WHERE status = 'stale') AS tables_stale,"
                + "   sum(row_count) FILTER (WHERE status = 'loaded') AS rows_loaded FROM latest WHERE nth = 1"
                + "   GROUP BY sync_id)"
                + " SELECT coalesce(p.sync_id, m.sync_id) AS sync_id, coalesce(p.sync_time, m.sync_time) AS sync_time,"
                + "   coalesce(p.slices, -1) AS slices_expected, coalesce(l.slices_loaded, 0) AS slices_loaded,"
                + "   coalesce(m.manifests, 0) AS manifests, coalesce(t.tables_loaded, 0) AS tables_loaded,"
                + "   coalesce(t.tables_failed, 0) AS tables_failed, coalesce(t.tables_stale, 0) AS tables_stale,"
                + "   coalesce(t.rows_loaded, 0) AS rows_loaded, m.first_loaded_at, m.last_loaded_at,"
                + "   (p.slices IS NOT NULL AND coalesce(l.slices_loaded, 0) >= p.slices) AS complete"
                + " FROM " + PLANS + " p FULL OUTER JOIN m ON p.sync_id = m.sync_id"
                + " LEFT JOIN loaded l ON l.sync_id = coalesce(p.sync_id, m.sync_id)"
                + " LEFT JOIN t ON t.sync_id = coalesce(p.sync_id, m.sync_id)";
    }

    @Override
    public void recordPlan(SyncPlan plan) {
        runInTransaction("cannot record the plan of sync " + plan.syncId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PLANS + " (sync_id, sync_time, source,"
                    + " slices, accounts, regions, tables, recorded_at) VALUES (?, CAST(? AS timestamptz), ?, ?, ?, ?, ?,"
                    + " CURRENT_TIMESTAMP)"
                    + " ON CONFLICT (sync_id) DO NOTHING")) {
                ps.setString(1, plan.syncId());
                ps.setString(2, timestamp(plan.syncTime()));
                ps.setString(3, plan.source());
                ps.setLong(4, plan.slices());
                ps.setInt(5, plan.accounts());
                ps.setInt(6, plan.regions());
                ps.setString(7, plan.tables());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<SyncStatus> syncStatus(java.util.Optional<String> syncId) {
        return runInTransaction("cannot read " + SYNC_STATUS, c -> {
            List<SyncStatus> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sync_id, sync_time, slices_expected, slices_loaded,"
                    + " manifests, tables_loaded, tables_failed, tables_stale, rows_loaded, first_loaded_at,"
                    + " last_loaded_at, complete FROM " + SYNC_STATUS
                    + (syncId.isPresent() ? " WHERE sync_id = ?" : "") + " ORDER BY sync_time DESC, sync_id")) {
                if (syncId.isPresent()) {
                    ps.setString(1, syncId.get());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new SyncStatus(rs.getString(1), instant(rs, 2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                instant(rs, 10), instant(rs, 11), rs.getBoolean(12)));
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public Map<String, Long> deleteRemovedSlices(String syncId) {
        return runInTransaction("cannot delete removed slices after sync " + syncId, c -> {
            Map<String, Long> deleted = new java.util.LinkedHashMap<>();
            String source;
            String tables;
            try (PreparedStatement ps = c.prepareStatement("SELECT p.source, p.tables FROM " + PLANS + " p JOIN "
                    + SYNC_STATUS + " s ON s.sync_id = p.sync_id WHERE p.sync_id = ? AND s.complete"
                    + " AND NOT EXISTS (SELECT 1 FROM " + MANIFESTS + " m WHERE m.sync_id = p.sync_id"
                    + " AND m.write_mode <> 'replace')")) {
                ps.setString(1, syncId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return deleted;
                    }
                    source = rs.getString(1);
                    tables = rs.getString(2);
                }
            }
            for (String table : tables.split(",")) {
                dev.sliceflow.core.Identifiers.table(table);
                List<String[]> removed = new ArrayList<>();
                // slices of this table the sync did not refresh (state older than the sync) and did not fail
                try (PreparedStatement ps = c.prepareStatement("SELECT st.account, st.region FROM " + STATE + " st"
                        + " WHERE st.source = ? AND st.table_name = ? AND st.last_sync_id <> ?"
                        + " AND st.last_sync_time < (SELECT sync_time FROM " + PLANS + " WHERE sync_id = ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM " + LOADS + " l WHERE l.sync_id = ? AND l.table_name ="
                        + " st.table_name AND l.account = st.account AND l.region = st.region)")) {
                    ps.setString(1, source);
                    ps.setString(2, table);
                    ps.setString(3, syncId);
                    ps.setString(4, syncId);
                    ps.setString(5, syncId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            removed.add(new String[] {rs.getString(1), rs.getString(2)});
                        }
                    }
                }
                for (String[] slice : removed) {
                    long rows;
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + quote(table)
                            + " WHERE _source = ? AND _account = ? AND _region = ?")) {
                        ps.setString(1, source);
                        ps.setString(2, slice[0]);
                        ps.setString(3, slice[1]);
                        rows = ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + STATE
                            + " WHERE source = ? AND table_name = ? AND account = ? AND region = ?")) {
                        ps.setString(1, source);
                        ps.setString(2, table);
                        ps.setString(3, slice[0]);
                        ps.setString(4, slice[1]);
                        ps.executeUpdate();
                    }
                    deleted.put(table + " " + slice[0] + " " + slice[1], rows);
                }
            }
            return deleted;
        });
    }

    /** Runs {@link #ledgerDdl()} on a fresh connection; subclasses may serialise it with other loaders. */
    protected void createLedger(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String ddl : ledgerDdl()) {
                st.execute(ddl);
            }
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** The current connection, reopened (and the ledger ensured) when there is none or it broke. */
    private Connection connection() {
        try {
            if (connection != null && !connection.isClosed() && connection.isValid(5)) {
                return connection;
            }
        } catch (SQLException e) {
            LOG.warn("warehouse connection check failed, reconnecting: {}", e.getMessage());
        }
        closeQuietly(connection);
        connection = null;
        Connection c = null;
        try {
            c = openConnection();
            c.setAutoCommit(false);
            createLedger(c);
            c.commit();
            connection = c;
            return c;
        } catch (SQLException e) {
            rollbackQuietly(c);
            closeQuietly(c);
            throw new TransientLoadException("cannot connect to the warehouse: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T runInTransaction(String what, Work<T> work) {
        lock.lock();
        try {
            Connection c = connection();
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (Exception | Error e) {
                rollbackQuietly(c);
                throw translate(e, what);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Permanent problems stay {@link InvalidInputException}s; a data exception (SQLSTATE class 22: a value the column
     * type refuses) is permanent too; anything else is transient. A broken connection is dropped.
     */
    private RuntimeException translate(Throwable e, String what) {
        if (e instanceof Error error) {
            throw error;
        }
        try {
            if (connection != null && (connection.isClosed() || !connection.isValid(2))) {
                closeQuietly(connection);
                connection = null;
            }
        } catch (SQLException ignored) {
            closeQuietly(connection);
            connection = null;
        }
        if (e instanceof InvalidInputException || e instanceof TransientLoadException) {
            return (RuntimeException) e;
        }
        if (e.getCause() instanceof TransientLoadException transientCause) {
            return transientCause;
        }
        if (e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
            return new InvalidInputException(what + ": the warehouse refused a value: " + firstLine(e.getMessage()), e);
        }
        return new TransientLoadException(what + ": " + firstLine(e.getMessage()), e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void rollbackQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            if (!c.isClosed()) {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("close failed: {}", e.getMessage());
        }
    }

    /**
     * Validates every identifier a manifest brings again (it is input), refuses the metadata names, and refuses a part
     * listed twice (it would load its rows twice).
     */
    static void checkIdentifiers(Manifest m) {
        Identifiers.syncId(m.syncId());
        Identifiers.source(m.source());
        Identifiers.account(m.account());
        Identifiers.region(m.region());
        java.util.Set<String> partKeys = new java.util.HashSet<>();
        for (ManifestTable table : m.tables()) {
            Identifiers.table(table.name());
            for (ManifestPart part : table.parts()) {
                if (!partKeys.add(part.key())) {
                    throw new InvalidInputException("part " + Identifiers.printable(part.key())
                            + " is listed twice in the manifest");
                }
            }
            for (Column column : table.schema().columns()) {
                Identifiers.column(column.name());
                if (METADATA_COLUMNS.contains(column.name()) || column.name().startsWith("_sliceflow")) {
                    throw new InvalidInputException("table " + table.name() + ": column " + column.name()
                            + " is reserved for sliceflow's metadata");
                }
            }
        }
    }

    /**
     * A double-quoted identifier. Only names that match sliceflow's patterns get here; the check is repeated so that
     * no code path can quote a hostile name.
     */
    public static String quote(String identifier) {
        if (!Identifiers.COLUMN.matcher(identifier).matches()) {
            throw new InvalidInputException("refusing identifier " + Identifiers.printable(identifier));
        }
        return '"' + identifier + '"';
    }

    /** A syncTime as the CSV dialect and the SQL casts spell it: 2024-01-02T03:04:05.123456Z. */
    protected static String timestamp(Instant instant) {
        return CsvDialect.encode(ColumnType.TIMESTAMP, instant);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The quoted column list of a load: the manifest's columns in CSV order, then the metadata columns. */
    protected static String columnList(TableSchema schema) {
        List<String> names = new ArrayList<>();
        for (Column column : schema.columns()) {
            names.add(quote(column.name()));
        }
        for (String meta : METADATA_COLUMNS) {
            names.add(quote(meta));
        }
        return String.join(", ", names);
    }
}

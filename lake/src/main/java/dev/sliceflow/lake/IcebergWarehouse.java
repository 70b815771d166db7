package dev.sliceflow.lake;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.LedgerEntry;
import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.PartPrefetch;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.destination.SyncPlan;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.lake.LakeTable.Decision;
import dev.sliceflow.lake.LakeTable.Entry;
import dev.sliceflow.lake.LakeTable.Plan;
import dev.sliceflow.lake.LakeTable.Prepared;
import dev.sliceflow.lake.SliceState.Range;
import dev.sliceflow.lake.SliceState.Slice;
import dev.sliceflow.lake.SliceState.SliceKey;
import dev.sliceflow.lake.catalog.LakeCatalogs;
import dev.sliceflow.lake.catalog.LakeUrl;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.warehouse.Warehouse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expressions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake destination (docs/lake.md): every rule of docs/loading.md over Apache Iceberg tables. A batch is loaded
 * table by table, each table in one Iceberg commit: its new data file, a position-delete file for the rows it
 * replaces, and the new {@link SliceState}, which is what makes a replay a no-op (a manifest whose key and SHA-256 the
 * table's state holds is not loaded again). Every table of the batch is planned and written before the first commit,
 * so a manifest that fails (a part unlike its listing, a value its column refuses, a type change) fails alone before
 * anything of it is visible, and the rest of the batch loads without it. The ledger tables are appended after the data.
 */
public final class IcebergWarehouse implements Warehouse {
    private static final Logger LOG = LoggerFactory.getLogger(IcebergWarehouse.class);
    private static final int PREFETCH_PARTS = 8;
    private static final long PREFETCH_BYTES = 64L << 20;
    private static final long PREFETCH_MAX_PART = 16L << 20;
    /** Commits of one table retried after a conflict with a concurrent loader before the batch is retried by SQS. */
    static final int COMMIT_ATTEMPTS = 6;
    private static final ExecutorService DEFAULT_POOL = Executors.newFixedThreadPool(PREFETCH_PARTS, r -> {
        Thread thread = new Thread(r, "sliceflow-lake-prefetch");
        thread.setDaemon(true);
        return thread;
    });

    private final Catalog catalog;
    private final Namespace namespace;
    private final LakeLedger ledger;
    private final FileSizing sizing;
    private final java.util.concurrent.Executor prefetchPool;
    private final CommitGate gate;

    public IcebergWarehouse(Catalog catalog, String namespace, FileSizing sizing,
                            java.util.concurrent.Executor prefetchPool) {
        this(catalog, namespace, sizing, prefetchPool, CommitGate.NONE);
    }

    IcebergWarehouse(Catalog catalog, String namespace, FileSizing sizing, java.util.concurrent.Executor prefetchPool,
                     CommitGate gate) {
        this.catalog = catalog;
        this.gate = gate;
        this.namespace = Namespace.of(namespace);
        this.ledger = new LakeLedger(catalog, this.namespace, gate);
        this.sizing = sizing;
        this.prefetchPool = prefetchPool;
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(this.namespace)) {
            try {
                gate.run(() -> namespaces.createNamespace(this.namespace));
            } catch (AlreadyExistsException raced) {
                // another loader created it
            }
        }
    }

    /** The lake a URL names (see {@link LakeUrl}), its AWS clients in Lambda's region. */
    public static IcebergWarehouse open(String url) {
        return open(url, Optional.empty());
    }

    /** The lake a URL names, its AWS clients in {@code region} (the handler's settings) when given. */
    public static IcebergWarehouse open(String url, Optional<String> region) {
        LakeUrl lake = LakeUrl.parse(url);
        return new IcebergWarehouse(openCatalog(lake, region), lake.namespace(), FileSizing.DEFAULT,
                DEFAULT_POOL, CommitGate.of(lake));
    }

    /**
     * The lake's catalog. A SQLite catalog is opened twice: JdbcCatalog's initialisation checks for its tables with a
     * DatabaseMetaData result set it never closes, which leaves a read transaction open on a pooled connection for
     * good, so every later commit through that connection fails with SQLITE_BUSY_SNAPSHOT once anything else has
     * written. The first opening creates the catalog's tables and is closed (with the connection); the second skips
     * the check ({@code jdbc.init-catalog-tables=false}).
     */
    public static Catalog openCatalog(LakeUrl lake) {
        return openCatalog(lake, Optional.empty());
    }

    /** {@link #openCatalog(LakeUrl)} in {@code region} when given, else in Lambda's region. */
    public static Catalog openCatalog(LakeUrl lake, Optional<String> region) {
        java.util.function.Function<LakeUrl, Catalog> opener = l -> region.map(r -> LakeCatalogs.open(l, r))
                .orElseGet(() -> LakeCatalogs.open(l));
        if (lake.uri().isEmpty() || !lake.uri().get().startsWith("jdbc:sqlite:")) {
            return opener.apply(lake);
        }
        Catalog init = opener.apply(lake);
        if (init instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new TransientLoadException("cannot close the catalog " + lake.uri().get() + ": " + e, e);
            }
        }
        Map<String, String> properties = new LinkedHashMap<>(lake.properties());
        properties.put("jdbc.init-catalog-tables", "false");
        return opener.apply(new LakeUrl(lake.catalog(), lake.uri(), lake.namespace(), properties));
    }

    public Catalog catalog() {
        return catalog;
    }

    public Namespace namespace() {
        return namespace;
    }

    // ------------------------------------------------------------------ Destination

    @Override
    public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts) {
        return load(batch, parts, dev.sliceflow.destination.LoadDeadline.none());
    }

    /**
     * Past {@code deadline} no part is read and no table commits: the tables not yet committed then are left as they
     * were (each table commits on its own) and the batch is retried, its committed tables found in their states.
     */
    @Override
    public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts,
                                      dev.sliceflow.destination.LoadDeadline deadline) {
        return dev.sliceflow.destination.BatchOutcomes.of(batch, ManifestCodec::validate, (candidates, outcomes) ->
                loadOrIsolate(batch, candidates, deadline.guard(parts), deadline, outcomes));
    }

    private void loadOrIsolate(List<StagedManifest> batch, List<Integer> indices, PartOpener parts,
                               dev.sliceflow.destination.LoadDeadline deadline,
                               Map<Integer, ManifestOutcome> outcomes) {
        if (indices.isEmpty()) {
            return;
        }
        try {
            loadTablesInTime(batch, indices, parts, deadline).forEach((i, r) -> outcomes.put(i, new ManifestOutcome.Loaded(
                    batch.get(i).key(), r)));
        } catch (ManifestFailure failure) {
            List<Integer> rest = new ArrayList<>();
            boolean blamed = false;
            for (int i : indices) {
                if (batch.get(i).key().equals(failure.manifestKey())) {
                    outcomes.put(i, outcome(batch.get(i).key(), failure.failure()));
                    blamed = true;
                } else {
                    rest.add(i);
                }
            }
            if (!blamed) {
                indices.forEach(i -> outcomes.put(i, outcome(batch.get(i).key(), failure.failure())));
                return;
            }
            LOG.warn("manifest {} fails alone: {}", failure.manifestKey(), failure.getMessage());
            loadOrIsolate(batch, rest, parts, deadline, outcomes);
        } catch (TransientLoadException e) {
            indices.forEach(i -> outcomes.put(i, new ManifestOutcome.Retry(batch.get(i).key(), e)));
        } catch (RuntimeException e) {
            TransientLoadException retry = new TransientLoadException("cannot load a batch of " + indices.size()
                    + " manifests into the lake: " + e, e);
            indices.forEach(i -> outcomes.put(i, new ManifestOutcome.Retry(batch.get(i).key(), retry)));
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

    /**
     * {@link #loadTables}; a failure once the deadline has passed (a part read cut off, a commit not started) is the
     * deadline's, for every manifest of the attempt: none of them is to blame.
     */
    private Map<Integer, LoadResult> loadTablesInTime(List<StagedManifest> batch, List<Integer> indices,
                                                      PartOpener parts, dev.sliceflow.destination.LoadDeadline deadline)
            throws ManifestFailure {
        try {
            return loadTables(batch, indices, parts, deadline);
        } catch (ManifestFailure | RuntimeException e) {
            if (e instanceof dev.sliceflow.destination.LoadTimeoutException || !deadline.passed()) {
                throw e;
            }
            dev.sliceflow.destination.LoadTimeoutException timeout = new dev.sliceflow.destination.LoadTimeoutException(
                    "not committed: the loader's deadline passed while loading " + indices.size()
                            + " manifests into the lake (" + e.getMessage() + ")");
            timeout.initCause(e);
            throw timeout;
        }
    }

    private Map<Integer, LoadResult> loadTables(List<StagedManifest> batch, List<Integer> indices, PartOpener parts,
                                                dev.sliceflow.destination.LoadDeadline deadline)
            throws ManifestFailure {
        Instant loadedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<Integer, LoadResult> results = new HashMap<>();
        // a manifest twice in the batch: skipped (one loaded before is found in the tables' states, not the ledger)
        Set<List<String>> seen = new HashSet<>();
        List<Integer> active = new ArrayList<>();
        for (int i : indices) {
            List<String> id = List.of(batch.get(i).key(), batch.get(i).sha256());
            if (!seen.add(id)) {
                LOG.info("manifest {} (sha256 {}) is already loaded: skipped", id.get(0), id.get(1));
                results.put(i, LoadResult.skipped(batch.get(i).key()));
            } else {
                active.add(i);
            }
        }
        Map<String, List<Entry>> byTable = new TreeMap<>();
        for (int i : active) {
            for (ManifestTable table : batch.get(i).manifest().tables()) {
                byTable.computeIfAbsent(table.name(), t -> new ArrayList<>()).add(new Entry(i, batch.get(i), table));
            }
        }
        List<LakeTable> tables = new ArrayList<>();
        byTable.forEach((name, entries) -> tables.add(new LakeTable(catalog, TableIdentifier.of(namespace, name),
                entries, sizing)));

        // plan every table, then write every table (parts fetched ahead across tables), then commit
        long started = System.nanoTime();
        List<Plan> plans = new ArrayList<>();
        List<ManifestPart> reads = new ArrayList<>();
        for (LakeTable table : tables) {
            Plan plan = table.plan();
            plans.add(plan);
            reads.addAll(plan.reads());
        }
        List<Prepared> prepared;
        long planned;
        try (PartPrefetch prefetch = new PartPrefetch(reads, parts, prefetchPool, PREFETCH_PARTS, PREFETCH_BYTES,
                PREFETCH_MAX_PART, deadline).start()) {
            planned = System.nanoTime();
            prepared = writeTables(tables, plans, prefetch);
        }
        long written = System.nanoTime();
        List<Decision> decisions = new ArrayList<>();
        for (int t = 0; t < tables.size(); t++) {
            if (deadline.passed()) {
                for (int rest = t; rest < tables.size(); rest++) {
                    prepared.get(rest).abort();
                }
                throw new dev.sliceflow.destination.LoadTimeoutException("the loader's deadline passed before lake"
                        + " table " + tables.get(t).name() + " could commit (" + t + " of " + tables.size()
                        + " tables of this batch committed; the retry finds them in their states)");
            }
            decisions.addAll(commit(tables.get(t), prepared.get(t), parts).decisions);
        }

        // results and ledger rows, from the decisions that committed
        Map<Integer, List<Decision>> byManifest = new TreeMap<>();
        for (Decision d : decisions) {
            byManifest.computeIfAbsent(d.entry.index(), k -> new ArrayList<>()).add(d);
        }
        List<LakeLedger.Row> rows = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (int i : active) {
            List<Decision> mine = byManifest.getOrDefault(i, List.of());
            // keep the manifest's own table order
            List<Decision> ordered = new ArrayList<>();
            for (ManifestTable table : batch.get(i).manifest().tables()) {
                mine.stream().filter(d -> d.entry.table() == table).findFirst().ifPresent(ordered::add);
            }
            List<LoadResult.TableLoad> loads = new ArrayList<>();
            for (Decision d : ordered) {
                long count = d.status == LoadStatus.LOADED ? d.entry.table().rows() : 0;
                String error = d.status == LoadStatus.FAILED ? d.entry.table().error() : null;
                loads.add(new LoadResult.TableLoad(d.entry.table().name(), d.status, count, error));
                Manifest m = d.entry.manifest();
                rows.add(new LakeLedger.Row(new LedgerEntry(batch.get(i).key(), batch.get(i).sha256(), m.syncId(),
                        m.syncTime(), m.source(), m.account(), m.region(), m.seq(), d.entry.table().name(), count,
                        d.status, error, loadedAt), m.last(), writeMode(m.writeMode())));
            }
            boolean changed = ordered.stream().anyMatch(Decision::changesTable);
            boolean already = ordered.stream().anyMatch(d -> d.already);
            if (!changed) {
                unchanged.add(batch.get(i).key());
            }
            results.put(i, !changed && already ? LoadResult.skipped(batch.get(i).key())
                    : new LoadResult(batch.get(i).key(), false, loads));
        }
        long committed = System.nanoTime();
        ledger.append(rows, unchanged);
        long done = System.nanoTime();
        // the phases, so that a slow batch shows where its time went
        LOG.info("loaded {} manifests ({} skipped) into {} lake tables: {} rows, {} tables loaded, {} stale, {} failed;"
                + " {} ms (plan {}, write {}, commit {}, ledger {})",
                active.size(), indices.size() - active.size(), tables.size(),
                decisions.stream().filter(Decision::writesRows).mapToLong(d -> d.entry.table().rows()).sum(),
                decisions.stream().filter(Decision::changesTable).count(),
                decisions.stream().filter(d -> d.status == LoadStatus.STALE).count(),
                decisions.stream().filter(d -> d.status == LoadStatus.FAILED).count(), millis(done - started),
                millis(planned - started), millis(written - planned), millis(committed - written),
                millis(done - committed));
        return results;
    }

    /**
     * Writes every table's files and stages its commit, up to {@link FileSizing#maxWriters()} tables at once (a batch
     * of small manifests is many small tables: one at a time would leave all but one core idle). In table order; on
     * any failure everything staged is aborted and the first failure, in table order, is thrown.
     */
    private List<Prepared> writeTables(List<LakeTable> tables, List<Plan> plans, PartOpener parts)
            throws ManifestFailure {
        Prepared[] prepared = new Prepared[tables.size()];
        Throwable[] failures = Parallel.run("sliceflow-lake-table", tables.size(), sizing.maxWriters(),
                t -> prepared[t] = tables.get(t).write(plans.get(t), parts));
        if (Arrays.stream(failures).anyMatch(Objects::nonNull)) {
            for (Prepared p : prepared) {
                if (p != null) {
                    p.abort();
                }
            }
            Parallel.throwFirst(failures);
        }
        return List.of(prepared);
    }

    /**
     * Commits one table; on a conflict (a concurrent loader or another engine committed since the state was read)
     * reads the table again and decides, writes and commits again from there, a bounded number of times.
     */
    private Prepared commit(LakeTable table, Prepared prepared, PartOpener parts) {
        Prepared current = prepared;
        for (int attempt = 1; ; attempt++) {
            try {
                gate.run(current::commit);
                return current;
            } catch (RuntimeException conflict) {
                boolean unknown = conflict instanceof org.apache.iceberg.exceptions.CommitStateUnknownException;
                if (attempt == COMMIT_ATTEMPTS) {
                    if (!unknown) {
                        current.abort();
                    }
                    throw new TransientLoadException("cannot commit lake table " + table.name() + " after "
                            + attempt + " attempts: " + conflict.getMessage(), conflict);
                }
                sleep(attempt);
                Prepared rebased = unknown ? null : table.rebase(current);
                if (rebased != null) {
                    LOG.info("lake table {}: commit {} conflicted ({}): the same files on the new snapshot",
                            table.name(), attempt, conflict.toString());
                    current.dropState();
                    current = rebased;
                    continue;
                }
                LOG.info("lake table {}: commit {} conflicted ({}{}): planning again", table.name(), attempt,
                        conflict, conflict.getCause() == null ? "" : ", caused by " + conflict.getCause());
                if (!unknown) {
                    // it may have committed when the outcome is unknown: then its files are live
                    current.abort();
                }
                try {
                    current = table.prepare(parts);
                } catch (ManifestFailure failure) {
                    // tables before this one may have committed: the whole batch is retried, and what committed
                    // is then found in their states
                    throw new TransientLoadException("cannot load lake table " + table.name() + " again after a"
                            + " conflict: " + failure.getMessage(), failure);
                }
            }
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L << Math.min(attempt, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientLoadException("interrupted while retrying a lake commit", e);
        }
    }

    // ------------------------------------------------------------------ Bookkeeping

    @Override
    public void recordRejected(String manifestKey, String manifestSha256, String reason) {
        ledger.recordRejected(manifestKey, manifestSha256, reason);
    }

    @Override
    public List<LedgerEntry> ledger(String syncId) {
        return ledger.ledger(syncId);
    }

    @Override
    public void recordPlan(SyncPlan plan) {
        ledger.recordPlan(plan);
    }

    @Override
    public List<SyncStatus> syncStatus(Optional<String> syncId) {
        return ledger.syncStatus(syncId);
    }

    @Override
    public java.util.Set<String> settledSyncs(java.util.Collection<String> syncIds, java.time.Instant syncTimeBefore) {
        return ledger.settledSyncs(syncIds, syncTimeBefore);
    }

    @Override
    public java.util.Set<String> settledManifests(String syncId) {
        return ledger.settledManifests(syncId);
    }

    @Override
    public void recordLoadErrors(List<dev.sliceflow.destination.FailedLoad> failures) {
        ledger.recordLoadErrors(failures);
    }

    @Override
    public List<dev.sliceflow.destination.LoadError> failingLoads(int limit) {
        return ledger.failingLoads(limit);
    }

    @Override
    public boolean isLoaded(String manifestKey, String manifestSha256) {
        return ledger.isLoaded(manifestKey, manifestSha256);
    }

    /**
     * The SQL warehouses' rule (docs/loading.md) over slice states: for each table of a complete, planned replace
     * sync, the slices of its source that the sync neither loaded nor failed and whose state is older than the sync
     * are removed: their rows by position deletes, their state entries with them, in one commit per table.
     */
    @Override
    public Map<String, Long> deleteRemovedSlices(String syncId) {
        Map<String, Long> deleted = new LinkedHashMap<>();
        SyncPlan plan = ledger.plans(Optional.of(syncId)).get(syncId);
        List<SyncStatus> status = ledger.syncStatus(Optional.of(syncId));
        if (plan == null || status.isEmpty() || !status.get(0).complete()) {
            return deleted;
        }
        List<LakeLedger.Row> rows = ledger.rows(Expressions.equal("sync_id", syncId));
        if (rows.stream().anyMatch(r -> !r.writeMode().equals("replace"))) {
            return deleted;
        }
        for (String name : plan.tables().split(",")) {
            dev.sliceflow.core.Identifiers.table(name);
            Set<List<String>> touched = new HashSet<>();
            rows.stream().filter(r -> r.entry().table().equals(name))
                    .forEach(r -> touched.add(List.of(r.entry().account(), r.entry().region())));
            deleted.putAll(deleteSlices(TableIdentifier.of(namespace, name), plan, touched));
        }
        return deleted;
    }

    private Map<String, Long> deleteSlices(TableIdentifier id, SyncPlan plan, Set<List<String>> touched) {
        for (int attempt = 1; ; attempt++) {
            Table table;
            try {
                table = catalog.loadTable(id);
            } catch (NoSuchTableException e) {
                return Map.of();
            }
            Snapshot base = table.currentSnapshot();
            SliceState state = StateStore.read(table, base);
            Map<String, Long> deleted = new LinkedHashMap<>();
            List<Range> deletes = new ArrayList<>();
            Map<SliceKey, Slice> removed = new HashMap<>();
            for (Map.Entry<SliceKey, Slice> e : state.slices().entrySet()) {
                SliceKey k = e.getKey();
                Slice s = e.getValue();
                if (k.source().equals(plan.source()) && !s.syncId().equals(plan.syncId())
                        && s.syncTime().isBefore(plan.syncTime()) && !touched.contains(List.of(k.account(), k.region()))) {
                    deletes.addAll(s.ranges());
                    removed.put(k, null);
                    deleted.put(id.name() + " " + k.account() + " " + k.region(), s.rows());
                }
            }
            if (deleted.isEmpty()) {
                return deleted;
            }
            List<String> created = new ArrayList<>();
            try {
                RowDelta delta = table.newRowDelta();
                SliceState next = state.withAll(removed);
                Removal removal = Removal.of(next, deletes);
                org.apache.iceberg.DeleteFile file = null;
                if (!removal.positions().isEmpty()) {
                    file = ParquetBatchWriter.positionDeletes(table, removal.positions());
                    created.add(file.location());
                }
                removal.stage(delta, file);
                String statePath = StateStore.write(table, next);
                created.add(statePath);
                if (base != null) {
                    delta.validateFromSnapshot(base.snapshotId());
                }
                delta.conflictDetectionFilter(Expressions.alwaysTrue()).validateNoConflictingDataFiles()
                        .validateNoConflictingDeleteFiles().set(StateStore.SUMMARY_KEY, statePath);
                gate.run(delta::commit);
                LOG.info("lake table {}: deleted {} slices the sync {} no longer covers", id.name(), deleted.size(),
                        plan.syncId());
                return deleted;
            } catch (RuntimeException conflict) {
                ParquetBatchWriter.deleteQuietly(table, created);
                if (attempt == COMMIT_ATTEMPTS) {
                    throw new TransientLoadException("cannot delete removed slices of lake table " + id.name() + ": "
                            + conflict.getMessage(), conflict);
                }
                sleep(attempt);
            }
        }
    }

    /** The write modes' ledger spelling, as the SQL warehouses store it. */
    static String writeMode(WriteMode mode) {
        return mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        if (catalog instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("cannot close the lake catalog: {}", e.toString());
            }
        }
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.destination.LedgerEntry;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.SyncPlan;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.destination.TransientLoadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * The lake's bookkeeping as Iceberg tables in the lake's namespace (docs/lake.md, "Bookkeeping"):
 * {@code _sliceflow_loads} (one row per table of each manifest: the ledger, named as in the SQL warehouses so the
 * same queries run), {@code _sliceflow_rejects} and {@code _sliceflow_plans}. The data tables' slice states are the
 * truth about what is loaded; the ledger is appended after the data commits, so a crash in between can leave a load
 * unrecorded for a moment and a retry can append a row twice: appends skip rows already there, and every read
 * de-duplicates by (manifest key, SHA-256, table), the first recorded winning.
 */
final class LakeLedger {
    static final String LOADS = "_sliceflow_loads";
    static final String REJECTS = "_sliceflow_rejects";
    static final String PLANS = "_sliceflow_plans";
    static final String LOAD_ERRORS = "_sliceflow_load_errors";
    /** Longer errors are cut (a driver's message can quote a whole statement). */
    static final int MAX_ERROR = 4000;

    static final Schema LOADS_SCHEMA = new Schema(
            Types.NestedField.required(1, "manifest_key", Types.StringType.get()),
            Types.NestedField.required(2, "manifest_sha256", Types.StringType.get()),
            Types.NestedField.required(3, "sync_id", Types.StringType.get()),
            Types.NestedField.required(4, "sync_time", Types.TimestampType.withZone()),
            Types.NestedField.required(5, "source", Types.StringType.get()),
            Types.NestedField.required(6, "account", Types.StringType.get()),
            Types.NestedField.required(7, "region", Types.StringType.get()),
            Types.NestedField.required(8, "seq", Types.IntegerType.get()),
            Types.NestedField.required(9, "is_last", Types.BooleanType.get()),
            Types.NestedField.required(10, "write_mode", Types.StringType.get()),
            Types.NestedField.required(11, "table_name", Types.StringType.get()),
            Types.NestedField.required(12, "row_count", Types.LongType.get()),
            Types.NestedField.required(13, "status", Types.StringType.get()),
            Types.NestedField.optional(14, "error", Types.StringType.get()),
            Types.NestedField.required(15, "loaded_at", Types.TimestampType.withZone()));
    static final Schema REJECTS_SCHEMA = new Schema(
            Types.NestedField.required(1, "manifest_key", Types.StringType.get()),
            Types.NestedField.optional(2, "manifest_sha256", Types.StringType.get()),
            Types.NestedField.required(3, "reason", Types.StringType.get()),
            Types.NestedField.required(4, "rejected_at", Types.TimestampType.withZone()));
    static final Schema PLANS_SCHEMA = new Schema(
            Types.NestedField.required(1, "sync_id", Types.StringType.get()),
            Types.NestedField.required(2, "sync_time", Types.TimestampType.withZone()),
            Types.NestedField.required(3, "source", Types.StringType.get()),
            Types.NestedField.required(4, "slices", Types.LongType.get()),
            Types.NestedField.required(5, "accounts", Types.IntegerType.get()),
            Types.NestedField.required(6, "regions", Types.IntegerType.get()),
            Types.NestedField.required(7, "tables", Types.StringType.get()),
            Types.NestedField.required(8, "recorded_at", Types.TimestampType.withZone()));

    /** Append-only: one row per failed attempt; {@link #failingLoads} folds them per key as the SQL view does. */
    static final Schema LOAD_ERRORS_SCHEMA = new Schema(
            Types.NestedField.required(1, "manifest_key", Types.StringType.get()),
            Types.NestedField.optional(2, "manifest_sha256", Types.StringType.get()),
            Types.NestedField.required(3, "error", Types.StringType.get()),
            Types.NestedField.required(4, "failed_at", Types.TimestampType.withZone()));

    /** A ledger row with what {@code _sliceflow_manifests} (a view over it) needs beside {@link LedgerEntry}. */
    record Row(LedgerEntry entry, boolean isLast, String writeMode) {
        List<String> identity() {
            return List.of(entry.manifestKey(), entry.manifestSha256(), entry.table());
        }
    }

    private final Catalog catalog;
    private final Namespace namespace;
    private final CommitGate gate;

    LakeLedger(Catalog catalog, Namespace namespace, CommitGate gate) {
        this.catalog = catalog;
        this.namespace = namespace;
        this.gate = gate;
    }

    // ------------------------------------------------------------------ the ledger

    /** The ledger rows (deduplicated) of the given manifest keys. */
    List<Row> rowsOf(Collection<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return rows(Expressions.in("manifest_key", keys.toArray()));
    }

    List<Row> rows(Expression filter) {
        Optional<Table> table = find(LOADS);
        if (table.isEmpty()) {
            return List.of();
        }
        Map<List<String>, Row> rows = new LinkedHashMap<>();
        for (Record r : read(table.get(), filter)) {
            Row row = new Row(new LedgerEntry((String) r.getField("manifest_key"), (String) r.getField("manifest_sha256"),
                    (String) r.getField("sync_id"), instant(r, "sync_time"), (String) r.getField("source"),
                    (String) r.getField("account"), (String) r.getField("region"), (Integer) r.getField("seq"),
                    (String) r.getField("table_name"), (Long) r.getField("row_count"),
                    LoadStatus.fromSql((String) r.getField("status")), (String) r.getField("error"),
                    instant(r, "loaded_at")), (Boolean) r.getField("is_last"), (String) r.getField("write_mode"));
            rows.merge(row.identity(), row, (a, b) -> a.entry().loadedAt().isAfter(b.entry().loadedAt()) ? b : a);
        }
        return new ArrayList<>(rows.values());
    }

    /**
     * Appends the rows not yet there (by manifest key, SHA-256 and table), looking only for those of {@code
     * mayBeThere}: a manifest that changed a table's state cannot have been recorded before (its rows are appended
     * after the tables commit), and reading the ledger for every batch would cost a read of every ledger file the
     * sync has written so far.
     */
    void append(List<Row> rows, Collection<String> mayBeThere) {
        if (rows.isEmpty()) {
            return;
        }
        Set<List<String>> there = new HashSet<>();
        rowsOf(mayBeThere).forEach(r -> there.add(r.identity()));
        List<Record> records = new ArrayList<>();
        GenericRecord template = GenericRecord.create(LOADS_SCHEMA);
        for (Row row : rows) {
            if (!there.add(row.identity())) {
                continue;
            }
            LedgerEntry e = row.entry();
            GenericRecord r = template.copy();
            r.setField("manifest_key", e.manifestKey());
            r.setField("manifest_sha256", e.manifestSha256());
            r.setField("sync_id", e.syncId());
            r.setField("sync_time", e.syncTime().atOffset(ZoneOffset.UTC));
            r.setField("source", e.source());
            r.setField("account", e.account());
            r.setField("region", e.region());
            r.setField("seq", e.seq());
            r.setField("is_last", row.isLast());
            r.setField("write_mode", row.writeMode());
            r.setField("table_name", e.table());
            r.setField("row_count", e.rows());
            r.setField("status", e.status().sql());
            r.setField("error", e.error());
            r.setField("loaded_at", e.loadedAt().atOffset(ZoneOffset.UTC));
            records.add(r);
        }
        if (!records.isEmpty()) {
            Table table = open(LOADS, LOADS_SCHEMA);
            var append = table.newAppend().appendFile(write(table, records));
            gate.run(append::commit);
        }
    }

    List<LedgerEntry> ledger(String syncId) {
        return rows(Expressions.equal("sync_id", syncId)).stream().map(Row::entry)
                .sorted(Comparator.comparing(LedgerEntry::manifestKey).thenComparing(LedgerEntry::table)).toList();
    }

    boolean isLoaded(String key, String sha256) {
        return rowsOf(List.of(key)).stream().anyMatch(r -> r.entry().manifestSha256().equals(sha256));
    }

    // ------------------------------------------------------------------ rejects and plans

    void recordRejected(String key, String sha256, String reason) {
        Table table = open(REJECTS, REJECTS_SCHEMA);
        GenericRecord r = GenericRecord.create(REJECTS_SCHEMA);
        r.setField("manifest_key", key);
        r.setField("manifest_sha256", sha256);
        r.setField("reason", reason);
        r.setField("rejected_at", OffsetDateTime.now(ZoneOffset.UTC));
        var append = table.newAppend().appendFile(write(table, List.of(r)));
        gate.run(append::commit);
    }

    /**
     * Records the plan unless one for its sync id is there. Two loaders recording the same plan at once: the commit
     * is validated against data files added since the read that may hold the same sync id, so the second fails,
     * reads again, and finds the first's.
     */
    void recordPlan(SyncPlan plan) {
        for (int attempt = 0; ; attempt++) {
            Table table = open(PLANS, PLANS_SCHEMA);
            Snapshot base = table.currentSnapshot();
            if (!read(table, Expressions.equal("sync_id", plan.syncId())).isEmpty()) {
                return;
            }
            GenericRecord r = GenericRecord.create(PLANS_SCHEMA);
            r.setField("sync_id", plan.syncId());
            r.setField("sync_time", plan.syncTime().atOffset(ZoneOffset.UTC));
            r.setField("source", plan.source());
            r.setField("slices", plan.slices());
            r.setField("accounts", plan.accounts());
            r.setField("regions", plan.regions());
            r.setField("tables", plan.tables());
            r.setField("recorded_at", OffsetDateTime.now(ZoneOffset.UTC));
            DataFile file = write(table, List.of(r));
            var delta = table.newRowDelta().addRows(file)
                    .conflictDetectionFilter(Expressions.equal("sync_id", plan.syncId()))
                    .validateNoConflictingDataFiles();
            if (base != null) {
                delta.validateFromSnapshot(base.snapshotId());
            }
            try {
                gate.run(delta::commit);
                return;
            } catch (ValidationException conflict) {
                table.io().deleteFile(file.location());
                if (attempt == 5) {
                    throw new TransientLoadException("cannot record the plan of sync " + plan.syncId() + ": "
                            + conflict.getMessage(), conflict);
                }
            }
        }
    }

    /** The first recorded plan of each sync. */
    Map<String, SyncPlan> plans(Optional<String> syncId) {
        Optional<Table> table = find(PLANS);
        Map<String, SyncPlan> plans = new TreeMap<>();
        Map<String, Instant> recorded = new HashMap<>();
        if (table.isEmpty()) {
            return plans;
        }
        for (Record r : read(table.get(), syncId.<Expression>map(id -> Expressions.equal("sync_id", id))
                .orElse(Expressions.alwaysTrue()))) {
            String id = (String) r.getField("sync_id");
            Instant at = instant(r, "recorded_at");
            if (recorded.containsKey(id) && !recorded.get(id).isAfter(at)) {
                continue;
            }
            recorded.put(id, at);
            plans.put(id, new SyncPlan(id, instant(r, "sync_time"), (String) r.getField("source"),
                    (Long) r.getField("slices"), (Integer) r.getField("accounts"), (Integer) r.getField("regions"),
                    (String) r.getField("tables")));
        }
        return plans;
    }

    // ------------------------------------------------------------------ the reconciler's questions

    /** Of {@code syncIds}, those complete or older than {@code before} (Bookkeeping#settledSyncs). */
    Set<String> settledSyncs(Collection<String> syncIds, Instant before) {
        Set<String> wanted = new HashSet<>(syncIds);
        Set<String> settled = new java.util.LinkedHashSet<>();
        if (wanted.isEmpty()) {
            return settled;
        }
        for (SyncStatus status : syncStatus(Optional.empty())) {
            if (wanted.contains(status.syncId()) && (status.complete()
                    || (status.syncTime() != null && status.syncTime().isBefore(before)))) {
                settled.add(status.syncId());
            }
        }
        return settled;
    }

    /** The keys of {@code syncId}'s manifests in the ledger, the rejects or the load errors. */
    Set<String> settledManifests(String syncId) {
        Set<String> keys = new HashSet<>();
        rows(Expressions.equal("sync_id", syncId)).forEach(r -> keys.add(r.entry().manifestKey()));
        Expression ofSync = Expressions.startsWith("manifest_key",
                dev.sliceflow.staging.ObjectLayout.MANIFESTS_PREFIX + "sync_id=" + syncId + "/");
        for (String name : List.of(REJECTS, LOAD_ERRORS)) {
            find(name).ifPresent(t -> read(t, ofSync).forEach(r -> keys.add((String) r.getField("manifest_key"))));
        }
        return keys;
    }

    /** Appends one row per manifest (the last of each key), in one commit of its own. */
    void recordLoadErrors(List<dev.sliceflow.destination.FailedLoad> failures) {
        if (failures.isEmpty()) {
            return;
        }
        Map<String, dev.sliceflow.destination.FailedLoad> byKey = new LinkedHashMap<>();
        failures.forEach(f -> byKey.put(f.manifestKey(), f));
        Table table = open(LOAD_ERRORS, LOAD_ERRORS_SCHEMA);
        GenericRecord template = GenericRecord.create(LOAD_ERRORS_SCHEMA);
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        List<Record> records = new ArrayList<>();
        for (dev.sliceflow.destination.FailedLoad f : byKey.values()) {
            GenericRecord r = template.copy();
            r.setField("manifest_key", f.manifestKey());
            r.setField("manifest_sha256", f.manifestSha256());
            r.setField("error", f.error().length() > MAX_ERROR ? f.error().substring(0, MAX_ERROR) + "..." : f.error());
            r.setField("failed_at", now);
            records.add(r);
        }
        var append = table.newAppend().appendFile(write(table, records));
        gate.run(append::commit);
    }

    /**
     * The SQL warehouses' {@code _sliceflow_failing_loads}: per key the last error, the attempts and their first and
     * last times, unless the manifest loaded (this checksum, or any after the last failure) or was rejected since.
     */
    List<dev.sliceflow.destination.LoadError> failingLoads(int limit) {
        Optional<Table> table = find(LOAD_ERRORS);
        if (table.isEmpty()) {
            return List.of();
        }
        Map<String, dev.sliceflow.destination.LoadError> byKey = new LinkedHashMap<>();
        for (Record r : read(table.get(), Expressions.alwaysTrue())) {
            String key = (String) r.getField("manifest_key");
            Instant at = instant(r, "failed_at");
            dev.sliceflow.destination.LoadError row = new dev.sliceflow.destination.LoadError(key,
                    (String) r.getField("manifest_sha256"), (String) r.getField("error"), 1, at, at);
            byKey.merge(key, row, (a, b) -> {
                dev.sliceflow.destination.LoadError last = b.lastFailedAt().isAfter(a.lastFailedAt()) ? b : a;
                return new dev.sliceflow.destination.LoadError(key, last.manifestSha256(), last.error(),
                        a.attempts() + b.attempts(), a.firstFailedAt().isBefore(b.firstFailedAt())
                                ? a.firstFailedAt() : b.firstFailedAt(), last.lastFailedAt());
            });
        }
        if (byKey.isEmpty()) {
            return List.of();
        }
        for (Row loaded : rowsOf(byKey.keySet())) {
            dev.sliceflow.destination.LoadError e = byKey.get(loaded.entry().manifestKey());
            if (e != null && (loaded.entry().manifestSha256().equals(e.manifestSha256())
                    || !loaded.entry().loadedAt().isBefore(e.lastFailedAt()))) {
                byKey.remove(e.manifestKey());
            }
        }
        find(REJECTS).ifPresent(t -> read(t, Expressions.in("manifest_key", byKey.keySet().toArray()))
                .forEach(r -> {
                    dev.sliceflow.destination.LoadError e = byKey.get((String) r.getField("manifest_key"));
                    if (e != null && !instant(r, "rejected_at").isBefore(e.lastFailedAt())) {
                        byKey.remove(e.manifestKey());
                    }
                }));
        return byKey.values().stream()
                .sorted(Comparator.comparing(dev.sliceflow.destination.LoadError::lastFailedAt).reversed()
                        .thenComparing(dev.sliceflow.destination.LoadError::manifestKey))
                .limit(limit).toList();
    }

    // ------------------------------------------------------------------ sync status

    /**
     * {@code _sliceflow_sync_status}, computed as the SQL warehouses' view computes it (docs/loading.md): a slice is
     * loaded when its last manifest and every earlier seq are; tables and rows by the latest ledger row of each
     * (sync, source, account, region, table); manifests by distinct key.
     */
    List<SyncStatus> syncStatus(Optional<String> syncId) {
        List<Row> rows = rows(syncId.<Expression>map(id -> Expressions.equal("sync_id", id)).orElse(Expressions.alwaysTrue()));
        Map<String, SyncPlan> plans = plans(syncId);
        Map<String, List<Row>> bySync = new TreeMap<>();
        rows.forEach(r -> bySync.computeIfAbsent(r.entry().syncId(), k -> new ArrayList<>()).add(r));
        plans.keySet().forEach(id -> bySync.computeIfAbsent(id, k -> new ArrayList<>()));
        List<SyncStatus> out = new ArrayList<>();
        for (Map.Entry<String, List<Row>> sync : bySync.entrySet()) {
            List<Row> all = sync.getValue();
            SyncPlan plan = plans.get(sync.getKey());
            Map<List<String>, Set<Integer>> seqs = new HashMap<>();
            Map<List<String>, Integer> lastSeq = new HashMap<>();
            Map<List<String>, Row> latest = new HashMap<>();
            Set<String> keys = new HashSet<>();
            Instant first = null;
            Instant last = null;
            Instant syncTime = null;
            for (Row r : all) {
                LedgerEntry e = r.entry();
                List<String> slice = List.of(e.account(), e.region());
                seqs.computeIfAbsent(slice, k -> new HashSet<>()).add(e.seq());
                if (r.isLast()) {
                    lastSeq.merge(slice, e.seq(), Math::max);
                }
                keys.add(e.manifestKey());
                first = first == null || e.loadedAt().isBefore(first) ? e.loadedAt() : first;
                last = last == null || e.loadedAt().isAfter(last) ? e.loadedAt() : last;
                syncTime = syncTime == null || e.syncTime().isBefore(syncTime) ? e.syncTime() : syncTime;
                latest.merge(List.of(e.source(), e.account(), e.region(), e.table()), r, LakeLedger::later);
            }
            long slicesLoaded = lastSeq.entrySet().stream()
                    .filter(s -> seqs.get(s.getKey()).size() == s.getValue() + 1).count();
            long loaded = 0;
            long failed = 0;
            long stale = 0;
            long rowsLoaded = 0;
            for (Row r : latest.values()) {
                switch (r.entry().status()) {
                    case LOADED -> {
                        loaded++;
                        rowsLoaded += r.entry().rows();
                    }
                    case FAILED -> failed++;
                    case STALE -> stale++;
                }
            }
            out.add(new SyncStatus(sync.getKey(), plan != null ? plan.syncTime() : syncTime,
                    plan != null ? plan.slices() : -1, slicesLoaded, keys.size(), loaded, failed, stale, rowsLoaded,
                    first, last, plan != null && slicesLoaded >= plan.slices()));
        }
        out.sort(Comparator.comparing(SyncStatus::syncTime, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(SyncStatus::syncId));
        return out;
    }

    /** The later ledger row by loaded_at, then seq, then SHA-256 (the SQL view's order). */
    private static Row later(Row a, Row b) {
        Comparator<Row> order = Comparator.comparing((Row r) -> r.entry().loadedAt())
                .thenComparingInt(r -> r.entry().seq()).thenComparing(r -> r.entry().manifestSha256());
        return order.compare(a, b) >= 0 ? a : b;
    }

    // ------------------------------------------------------------------ tables

    Optional<Table> find(String name) {
        try {
            return Optional.of(catalog.loadTable(TableIdentifier.of(namespace, name)));
        } catch (NoSuchTableException e) {
            return Optional.empty();
        }
    }

    Table open(String name, Schema schema) {
        TableIdentifier id = TableIdentifier.of(namespace, name);
        try {
            return catalog.loadTable(id);
        } catch (NoSuchTableException missing) {
            try {
                return gate.run(() -> catalog.createTable(id, schema, PartitionSpec.unpartitioned(),
                        LakeTable.PROPERTIES));
            } catch (AlreadyExistsException raced) {
                return catalog.loadTable(id);
            }
        }
    }

    static List<Record> read(Table table, Expression filter) {
        List<Record> records = new ArrayList<>();
        org.apache.iceberg.expressions.Evaluator evaluator =
                new org.apache.iceberg.expressions.Evaluator(table.schema().asStruct(), filter);
        try (CloseableIterable<Record> rows = IcebergGenerics.read(table).where(filter).build()) {
            for (Record r : rows) {
                // IcebergGenerics' filter prunes files, not rows: evaluate it on each row too
                if (evaluator.eval(r)) {
                    records.add(r.copy());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read table " + table.name(), e);
        }
        return records;
    }

    static DataFile write(Table table, List<Record> records) {
        String location = table.locationProvider().newDataLocation("sf-" + UUID.randomUUID() + ".parquet");
        try {
            DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(location))
                    .schema(table.schema()).createWriterFunc(GenericParquetWriter::create)
                    .withSpec(PartitionSpec.unpartitioned()).setAll(table.properties()).overwrite().build();
            try (writer) {
                records.forEach(writer::write);
            }
            return writer.toDataFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to table " + table.name(), e);
        }
    }

    private static Instant instant(Record r, String field) {
        OffsetDateTime value = (OffsetDateTime) r.getField(field);
        return value == null ? null : value.toInstant();
    }
}

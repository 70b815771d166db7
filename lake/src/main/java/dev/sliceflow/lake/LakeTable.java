package dev.sliceflow.lake;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.lake.SliceState.ManifestRef;
import dev.sliceflow.lake.SliceState.Range;
import dev.sliceflow.lake.SliceState.Slice;
import dev.sliceflow.lake.SliceState.SliceKey;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;

/**
 * One destination table's share of a batch: read the table and its {@link SliceState} at its current snapshot, decide
 * each manifest (failed, already loaded, stale, loaded), check and evolve the schema, write one data file (rolled at
 * the target size) with every loaded manifest's rows in batch order, the replaced rows taken away ({@link Removal}:
 * files no slice has rows in any more removed, one position-delete file for the rest), and the new state; then
 * {@link Prepared#commit()} publishes all of it in one Iceberg transaction whose
 * RowDelta is validated from the snapshot the state was read at, so a commit based on a stale state fails and is
 * prepared again.
 */
final class LakeTable {
    /** Properties of every table sliceflow creates. */
    static final Map<String, String> PROPERTIES = Map.of(
            "format-version", "2",
            "write.format.default", "parquet",
            "write.parquet.compression-codec", "zstd",
            // bounds the writer's memory in a Lambda: a 128 MB file is two row groups
            "write.parquet.row-group-size-bytes", String.valueOf(64L << 20),
            // every batch is a commit: keep the metadata folder from growing without end
            "write.metadata.delete-after-commit.enabled", "true",
            "write.metadata.previous-versions-max", "100");

    /** One table of one manifest of the batch, in batch order. */
    record Entry(int index, StagedManifest staged, ManifestTable table) {
        Manifest manifest() {
            return staged.manifest();
        }

        SliceKey slice() {
            return new SliceKey(manifest().source(), manifest().account(), manifest().region());
        }

        ManifestRef ref() {
            return new ManifestRef(staged.key(), staged.sha256());
        }
    }

    /** What the batch does with one entry. */
    static final class Decision {
        final Entry entry;
        LoadStatus status = LoadStatus.LOADED;
        /** The table's state already holds this manifest: loaded before (a replay, or a concurrent loader). */
        boolean already;
        /** Loaded, but a later manifest of the same sync in the batch replaces it: its rows are not written. */
        boolean superseded;

        Decision(Entry entry) {
            this.entry = entry;
        }

        boolean changesTable() {
            return status == LoadStatus.LOADED && !already;
        }

        boolean writesRows() {
            return changesTable() && !superseded;
        }
    }

    private final Catalog catalog;
    private final TableIdentifier id;
    private final List<Entry> entries;
    private final FileSizing sizing;

    LakeTable(Catalog catalog, TableIdentifier id, List<Entry> entries, FileSizing sizing) {
        this.catalog = catalog;
        this.id = id;
        this.entries = List.copyOf(entries);
        this.sizing = sizing;
    }

    String name() {
        return id.name();
    }

    List<Entry> entries() {
        return entries;
    }

    /** The table as the batch finds it, and what the batch does with each entry. */
    record Plan(Table table, Snapshot base, SliceState state, List<Decision> decisions) {
        /** The parts this plan reads, in the order {@link #write} reads them (stale manifests' are never fetched). */
        List<ManifestPart> reads() {
            return decisions.stream().filter(Decision::writesRows).flatMap(d -> d.entry.table().parts().stream())
                    .toList();
        }
    }

    /** Reads the table and its state at its current snapshot and decides every entry. */
    Plan plan() {
        Table table = load();
        Snapshot base = table == null ? null : table.currentSnapshot();
        SliceState state = table == null ? SliceState.EMPTY : StateStore.read(table, base);
        return new Plan(table, base, state, decide(state));
    }

    /** Plans and writes again: after a conflict, from the table as it is now. */
    Prepared prepare(PartOpener parts) throws ManifestFailure {
        return write(plan(), parts);
    }

    /** Everything up to the commit; nothing is visible until {@link Prepared#commit()}. */
    Prepared write(Plan plan, PartOpener parts) throws ManifestFailure {
        Table table = plan.table();
        Snapshot base = plan.base();
        SliceState state = plan.state();
        List<Decision> decisions = plan.decisions();
        if (decisions.stream().noneMatch(Decision::changesTable)) {
            return new Prepared(this, new Staged(decisions, List.of(), null, Removal.NONE, state, state, false, -1), null,
                    null, List.of(), null, base);
        }
        Map<String, Column> columns = checkSchema(table, decisions);
        Transaction txn = table == null
                ? catalog.buildTable(id, LakeSchema.newTable(new ArrayList<>(columns.values())))
                        .withPartitionSpec(PartitionSpec.unpartitioned()).withProperties(PROPERTIES)
                        .createTransaction()
                : table.newTransaction();
        if (table != null) {
            UpdateSchema update = null;
            for (Column column : columns.values()) {
                if (table.schema().findField(column.name()) == null) {
                    update = update == null ? txn.updateSchema() : update;
                    update.addColumn(column.name(), LakeSchema.icebergType(column.type()),
                            LakeSchema.doc(column.type()));
                }
            }
            if (update != null) {
                update.commit();
            }
        }
        Table writing = txn.table();
        Schema schema = writing.schema();
        Map<Decision, List<Range>> written = new HashMap<>();
        List<DataFile> files = TableFiles.write(name(), writing, decisions, parts, sizing, written);
        List<Range> deletes = new ArrayList<>();
        SliceState next = apply(state, decisions, written, deletes);
        Removal removal = Removal.of(next, deletes);
        List<String> created = new ArrayList<>(files.stream().map(f -> f.location()).toList());
        try {
            DeleteFile deleteFile = null;
            if (!removal.positions().isEmpty()) {
                deleteFile = ParquetBatchWriter.positionDeletes(writing, removal.positions());
                created.add(deleteFile.location());
            }
            Staged staged = new Staged(decisions, files, deleteFile, removal, state, next,
                    table != null && writing.schema().schemaId() == table.schema().schemaId(),
                    writing.schema().schemaId());
            String statePath = stage(txn, writing, base, staged);
            created.add(statePath);
            return new Prepared(this, staged, txn, writing, created, statePath, base);
        } catch (RuntimeException e) {
            ParquetBatchWriter.deleteQuietly(writing, created);
            throw e;
        }
    }

    /** What a table's commit publishes, kept so that it can be published again on a newer snapshot. */
    record Staged(List<Decision> decisions, List<DataFile> files, DeleteFile deleteFile, Removal removal,
                  SliceState baseState, SliceState state, boolean rebaseable, int schemaId) {
        /** The slices this commit changes. */
        List<SliceKey> touched() {
            return decisions.stream().filter(Decision::changesTable).map(d -> d.entry.slice()).distinct().toList();
        }
    }

    /** Writes the state file and stages the RowDelta in {@code txn}, validated from {@code base}; returns the state's path. */
    private static String stage(Transaction txn, Table writing, Snapshot base, Staged staged) {
        String statePath = StateStore.write(writing, staged.state());
        try {
            RowDelta delta = txn.newRowDelta();
            staged.files().forEach(delta::addRows);
            staged.removal().stage(delta, staged.deleteFile());
            if (base != null) {
                delta.validateFromSnapshot(base.snapshotId());
            }
            delta.conflictDetectionFilter(Expressions.alwaysTrue())
                    .validateNoConflictingDataFiles()
                    .validateNoConflictingDeleteFiles();
            delta.set(StateStore.SUMMARY_KEY, statePath);
            delta.set("sliceflow.manifests", String.valueOf(staged.decisions().stream()
                    .filter(Decision::changesTable).count()));
            delta.commit();
            return statePath;
        } catch (RuntimeException e) {
            ParquetBatchWriter.deleteQuietly(writing, List.of(statePath));
            throw e;
        }
    }

    /**
     * After a conflict: the same data and delete files on the table as it is now, with a new state, when that is
     * still right: the table existed and kept its schema, its current snapshot is sliceflow's, and none of the slices
     * this commit changes has changed since it was planned (a concurrent loader committed other slices). Then the
     * decisions stand, the rows deleted are still where they were, and only the state is written again. Null when
     * the table must be planned and written again.
     */
    Prepared rebase(Prepared failed) {
        Staged staged = failed.staged;
        if (!staged.rebaseable()) {
            return null;
        }
        Table table = load();
        if (table == null || table.schema().schemaId() != staged.schemaId()) {
            return null;
        }
        Snapshot now = table.currentSnapshot();
        if (now == null || now.summary().get(StateStore.SUMMARY_KEY) == null) {
            return null;
        }
        SliceState current = StateStore.read(table, now);
        Map<SliceKey, Slice> changed = new HashMap<>();
        for (SliceKey key : staged.touched()) {
            if (!java.util.Objects.equals(current.get(key), staged.baseState().get(key))) {
                return null;
            }
            changed.put(key, staged.state().get(key));
        }
        SliceState next = current.withAll(changed);
        Staged again = new Staged(staged.decisions(), staged.files(), staged.deleteFile(), staged.removal(), current,
                next, true, staged.schemaId());
        Transaction txn = table.newTransaction();
        String statePath = stage(txn, table, now, again);
        List<String> created = new ArrayList<>(failed.created);
        created.remove(failed.statePath);
        created.add(statePath);
        return new Prepared(this, again, txn, table, created, statePath, now);
    }

    private Table load() {
        try {
            return catalog.loadTable(id);
        } catch (NoSuchTableException e) {
            return null;
        }
    }

    /**
     * Failed, already loaded, stale (older than the slice's state, or in replace mode than a newer manifest of the
     * same slice in the batch), or loaded; of two loaded manifests of one sync (replace) or one sync id (append) the
     * later in the batch writes the rows. As if the batch had come one by one, the newest last.
     */
    private List<Decision> decide(SliceState state) {
        List<Decision> decisions = new ArrayList<>();
        Map<SliceKey, List<Decision>> candidates = new LinkedHashMap<>();
        for (Entry e : entries) {
            Decision d = new Decision(e);
            decisions.add(d);
            Slice slice = state.get(e.slice());
            if (e.table().status() == TableStatus.FAILED) {
                d.status = LoadStatus.FAILED;
            } else if (slice != null && slice.holds(e.staged().key(), e.staged().sha256())) {
                d.already = true;
            } else if (slice != null && e.manifest().syncTime().isBefore(slice.syncTime())) {
                d.status = LoadStatus.STALE;
            } else {
                candidates.computeIfAbsent(e.slice(), k -> new ArrayList<>()).add(d);
            }
        }
        for (List<Decision> group : candidates.values()) {
            Instant newestReplace = group.stream().filter(d -> d.entry.manifest().writeMode() == WriteMode.REPLACE)
                    .map(d -> d.entry.manifest().syncTime()).max(Comparator.naturalOrder()).orElse(null);
            Map<String, Decision> winners = new HashMap<>();
            for (Decision d : group) {
                Manifest m = d.entry.manifest();
                if (m.writeMode() == WriteMode.REPLACE && m.syncTime().isBefore(newestReplace)) {
                    d.status = LoadStatus.STALE;
                    continue;
                }
                Decision previous = winners.put(m.writeMode() == WriteMode.REPLACE ? "" : m.syncId(), d);
                if (previous != null) {
                    previous.superseded = true;
                }
            }
        }
        return decisions;
    }

    /**
     * The batch's columns per name, in order: a type that differs from the table's or from an earlier manifest of
     * the batch fails that manifest alone, before anything is written.
     */
    private Map<String, Column> checkSchema(Table table, List<Decision> decisions) throws ManifestFailure {
        Map<String, Column> columns = new LinkedHashMap<>();
        Schema current = table == null ? null : table.schema();
        if (current != null) {
            try {
                LakeSchema.checkMetadataColumns(name(), current);
            } catch (InvalidInputException e) {
                throw new ManifestFailure(decisions.get(0).entry.staged().key(), e);
            }
        }
        for (Decision d : decisions) {
            if (!d.changesTable()) {
                continue;
            }
            for (Column column : d.entry.table().schema().columns()) {
                Types.NestedField have = current == null ? null : current.findField(column.name());
                if (have != null && (!have.type().equals(LakeSchema.icebergType(column.type()))
                        || LakeSchema.columnType(have) != column.type())) {
                    throw new ManifestFailure(d.entry.staged().key(), LakeSchema.incompatible(name(), column, have));
                }
                Column earlier = columns.get(column.name());
                if (earlier != null && earlier.type() != column.type()) {
                    throw new ManifestFailure(d.entry.staged().key(), LakeSchema.incompatible(name(), column,
                            Types.NestedField.optional(0, earlier.name(), LakeSchema.icebergType(earlier.type()),
                                    LakeSchema.doc(earlier.type()))));
                }
                columns.putIfAbsent(column.name(), column);
            }
        }
        return columns;
    }

    /** The state after the batch; {@code deletes} receives every committed row being replaced. */
    private static SliceState apply(SliceState state, List<Decision> decisions, Map<Decision, List<Range>> written,
                                    List<Range> deletes) {
        Map<SliceKey, Slice> changed = new HashMap<>();
        for (Decision d : decisions) {
            if (!d.changesTable()) {
                continue;
            }
            Manifest m = d.entry.manifest();
            Slice slice = changed.containsKey(d.entry.slice()) ? changed.get(d.entry.slice()) : state.get(d.entry.slice());
            List<Range> kept = new ArrayList<>();
            if (slice != null) {
                for (Range r : slice.ranges()) {
                    boolean replaced = !d.superseded && (m.writeMode() == WriteMode.REPLACE
                            || r.syncId().equals(m.syncId()));
                    (replaced ? deletes : kept).add(r);
                }
            }
            List<Range> ranges = d.superseded ? kept : SliceState.append(kept, written.getOrDefault(d, List.of()));
            if (slice == null || !m.syncTime().isBefore(slice.syncTime())) {
                List<ManifestRef> manifests = new ArrayList<>();
                if (slice != null && slice.syncId().equals(m.syncId())) {
                    manifests.addAll(slice.manifests());
                }
                manifests.add(d.entry.ref());
                changed.put(d.entry.slice(), new Slice(m.syncId(), m.syncTime(), manifests, ranges));
            } else {
                changed.put(d.entry.slice(), new Slice(slice.syncId(), slice.syncTime(), slice.manifests(), ranges));
            }
        }
        return state.withAll(changed);
    }

    /** A table's batch, written and staged in its transaction; {@link #commit()} makes it visible. */
    static final class Prepared {
        private final LakeTable table;
        final Staged staged;
        final List<Decision> decisions;
        private final Transaction txn;
        private final Table writing;
        private final List<String> created;
        private final String statePath;
        final Snapshot base;

        Prepared(LakeTable table, Staged staged, Transaction txn, Table writing, List<String> created,
                 String statePath, Snapshot base) {
            this.table = table;
            this.staged = staged;
            this.decisions = staged.decisions();
            this.txn = txn;
            this.writing = writing;
            this.created = created;
            this.statePath = statePath;
            this.base = base;
        }

        /** Nothing to commit: every manifest is failed, stale or already loaded. */
        boolean empty() {
            return txn == null;
        }

        /**
         * Commits the table's transaction. A conflict (a concurrent loader committed since the state was read, the
         * table was created meanwhile) throws; the files stay, for {@link LakeTable#rebase} or {@link #abort()}.
         */
        void commit() {
            if (txn != null) {
                txn.commitTransaction();
            }
        }

        /** Deletes this attempt's files: it will not be committed. */
        void abort() {
            if (txn != null) {
                ParquetBatchWriter.deleteQuietly(writing, created);
            }
        }

        /** Deletes the state file of this attempt only: a rebase publishes its data files with another state. */
        void dropState() {
            if (statePath != null) {
                ParquetBatchWriter.deleteQuietly(writing, List.of(statePath));
            }
        }
    }
}

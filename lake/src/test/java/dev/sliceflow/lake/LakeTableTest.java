package dev.sliceflow.lake;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the lake's files look like after batches: file counts, position deletes, foreign commits, a lost ledger. */
class LakeTableTest {
    static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));
    static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant T2 = Instant.parse("2026-01-02T00:00:00Z");
    static final Instant T3 = Instant.parse("2026-01-03T00:00:00Z");

    private final TestLake lake = new TestLake();
    private final IcebergWarehouse warehouse = lake.open();
    private final Catalog catalog = lake.catalog();

    @AfterEach
    void close() throws Exception {
        warehouse.close();
        if (catalog instanceof AutoCloseable c) {
            c.close();
        }
    }

    @Test
    void replace_deletesRowsByPosition_andRemovesAFileWholeOnceNoSliceHasRowsInIt() throws Exception {
        assertThat(load(batch("sync-1", T1, 40, 0))).allSatisfy(o -> assertThat(o).isInstanceOf(ManifestOutcome.Loaded.class));
        Table items = table("items");
        assertThat(files(items, false)).as("data files after a batch of 40 slices").hasSize(1);
        assertThat(files(items, true)).isEmpty();
        String first = files(items, false).get(0);
        assertThat(query("SELECT count(*), count(DISTINCT _account) FROM items")).containsExactly(List.of(120L, 40L));
        List<Fixture> newer = batch("sync-2", T2, 40, 1000);

        // 30 of the 40 slices replaced: the first file keeps 10 slices' rows, the others are deleted by position
        load(newer.subList(0, 30));

        Table partly = table("items");
        assertThat(files(partly, false)).as("the first batch's file and the second's").hasSize(2).contains(first);
        List<String> deletes = files(partly, true);
        assertThat(deletes).hasSize(1);
        // a second reader of the delete file itself: exactly the 30 slices' 90 positions of the first file
        try (Connection c = lake.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), min(pos), max(pos), count(DISTINCT file_path),"
                     + " any_value(file_path) FROM read_parquet('" + local(deletes.get(0)) + "')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(90);
            assertThat(rs.getLong(2)).isZero();
            assertThat(rs.getLong(3)).isEqualTo(89);
            assertThat(rs.getLong(4)).isEqualTo(1);
            assertThat(rs.getString(5)).isEqualTo(first);
        }
        assertThat(query("SELECT _sync_id, count(*), count(DISTINCT _account) FROM items GROUP BY ALL ORDER BY 1"))
                .containsExactly(List.of("sync-1", 30L, 10L), List.of("sync-2", 90L, 30L));

        // the last 10: no slice has rows in the first file any more, so it leaves the table (no deletes for it)
        load(newer.subList(30, 40));

        Table after = table("items");
        assertThat(files(after, false)).as("the second sync's two files only").hasSize(2).doesNotContain(first);
        assertThat(files(after, true)).as("no delete file applies to a live file").isEmpty();
        Snapshot snapshot = after.currentSnapshot();
        assertThat(snapshot.summary()).containsEntry("deleted-data-files", "1")
                .doesNotContainKey("added-position-delete-files");
        assertThat(query("SELECT min(id), count(*), count(DISTINCT _sync_id) FROM items"))
                .containsExactly(List.of(1000L, 120L, 1L));
        assertThat(snapshot.summary()).containsKey(StateStore.SUMMARY_KEY);
        assertThat(StateStore.read(after, snapshot).rows()).isEqualTo(120);
        // Iceberg's own reader agrees
        List<Long> ids = new ArrayList<>();
        try (CloseableIterable<Record> scan = IcebergGenerics.read(after).build()) {
            scan.forEach(r -> ids.add((Long) r.getField("id")));
        }
        assertThat(ids).hasSize(120).allSatisfy(id -> assertThat(id).isBetween(1000L, 1119L));
    }

    @Test
    void load_afterAForeignCompaction_rebuildsTheStateAndReplacesTheRightRows() throws Exception {
        load(batch("sync-1", T1, 5, 0));
        load(batch("sync-1", T1, 5, 0).subList(0, 0)); // nothing
        Table items = table("items");
        // another engine rewrites the table: the rows in another order, in a new file (like OPTIMIZE)
        List<Record> rows = new ArrayList<>();
        try (CloseableIterable<Record> scan = IcebergGenerics.read(items).build()) {
            scan.forEach(r -> rows.add(r.copy()));
        }
        Collections.reverse(rows);
        RewriteFiles rewrite = items.newRewrite();
        try (CloseableIterable<FileScanTask> tasks = items.newScan().includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                rewrite.deleteFile(task.file());
            }
        }
        rewrite.addFile(LakeLedger.write(items, rows)).commit();
        assertThat(table("items").currentSnapshot().summary()).doesNotContainKey(StateStore.SUMMARY_KEY);

        // a newer sync of two of the five slices
        List<Fixture> newer = batch("sync-2", T2, 5, 500).subList(1, 3);
        List<ManifestOutcome> outcomes = load(newer);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(ManifestOutcome.Loaded.class));
        assertThat(query("SELECT _account, _sync_id, count(*) FROM items GROUP BY ALL ORDER BY 1")).containsExactly(
                List.of(account(0), "sync-1", 3L), List.of(account(1), "sync-2", 3L),
                List.of(account(2), "sync-2", 3L), List.of(account(3), "sync-1", 3L),
                List.of(account(4), "sync-1", 3L));
        // the rebuilt state kept the stale rule: sync-1 of slice 1 again is older than what it holds
        Fixture older = ManifestFixtures.manifest("sync-0", T1.minusSeconds(5)).account(account(1))
                .table(ITEMS, List.of(row(9L, "x"))).build();
        LoadResult stale = ((ManifestOutcome.Loaded) load(List.of(older)).get(0)).result();
        assertThat(stale.tables()).extracting(LoadResult.TableLoad::status).containsExactly(LoadStatus.STALE);
        // and a replay of a manifest loaded before the compaction is still skipped
        LoadResult replay = ((ManifestOutcome.Loaded) load(batch("sync-1", T1, 5, 0).subList(0, 1)).get(0)).result();
        assertThat(replay.skipped()).isTrue();
        assertThat(query("SELECT count(*) FROM items")).containsExactly(List.of(15L));
    }

    @Test
    void load_whenTheLedgerWasLostAfterTheDataCommitted_skipsTheManifestAndRecordsItAgain() throws Exception {
        List<Fixture> batch = batch("sync-1", T1, 2, 0);
        load(batch);
        // as if the loader died between the data commit and the ledger append
        catalog.dropTable(TableIdentifier.of(lake.namespace(), LakeLedger.LOADS), true);
        assertThat(warehouse.isLoaded(batch.get(0).key(), batch.get(0).sha256())).isFalse();

        List<ManifestOutcome> again = load(batch);

        assertThat(again).allSatisfy(o -> assertThat(((ManifestOutcome.Loaded) o).result().skipped()).isTrue());
        assertThat(query("SELECT count(*) FROM items")).containsExactly(List.of(6L));
        assertThat(warehouse.ledger("sync-1")).hasSize(2)
                .allSatisfy(e -> assertThat(e.status()).isEqualTo(LoadStatus.LOADED));
    }

    @Test
    void load_whenTheFileReachesTheTargetSize_rollsToAnotherFileAndKeepsEveryRowOnce() throws Exception {
        IcebergWarehouse small = lake.open(1);
        try {
            List<List<Object>> many = new ArrayList<>();
            for (long i = 0; i < 3_500; i++) {
                many.add(row(i, "row " + i));
            }
            Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, many, 1_000).build();
            small.load(List.of(new StagedManifest(f.key(), f.sha256(), f.manifest())), f.opener());
            assertThat(files(table("items"), false)).as("a file per 1,000 rows at a 1-byte target").hasSize(4);

            Fixture g = ManifestFixtures.manifest("sync-2", T2).table(ITEMS, List.of(row(7L, "only"))).build();
            small.load(List.of(new StagedManifest(g.key(), g.sha256(), g.manifest())), g.opener());
        } finally {
            small.close();
        }
        assertThat(query("SELECT id, _sync_id FROM items")).containsExactly(List.of(7L, "sync-2"));
    }

    @Test
    void load_ofALargeBatch_writesItsRunsAsFilesAtOnce_andAReplaceStillFindsEveryRow() throws Exception {
        // 3,600 rows at 1,000 rows per writer: three writers, cut at part boundaries after ~1,200 rows
        IcebergWarehouse parallel = lake.open(new FileSizing(128L << 20, 1_000, 3));
        try {
            List<List<Object>> big = new ArrayList<>();
            for (long i = 0; i < 3_000; i++) {
                big.add(row(i, "big " + i));
            }
            List<List<Object>> small = new ArrayList<>();
            for (long i = 0; i < 600; i++) {
                small.add(row(10_000 + i, "small " + i));
            }
            Fixture a = ManifestFixtures.manifest("sync-1", T1).account(account(1)).table(ITEMS, big, 1_000).build();
            Fixture b = ManifestFixtures.manifest("sync-1", T1).account(account(2)).table(ITEMS, small).build();
            Map<String, byte[]> parts = new HashMap<>(a.parts());
            parts.putAll(b.parts());
            parallel.load(List.of(new StagedManifest(a.key(), a.sha256(), a.manifest()),
                    new StagedManifest(b.key(), b.sha256(), b.manifest())),
                    part -> new ByteArrayInputStream(parts.get(part.key())));

            assertThat(files(table("items"), false)).as("the big manifest's parts split between two files").hasSize(2);
            assertThat(query("SELECT _account, count(*), count(DISTINCT id), min(id), max(id) FROM items"
                    + " GROUP BY _account ORDER BY _account")).containsExactly(
                    List.of(account(1), 3_000L, 3_000L, 0L, 2_999L), List.of(account(2), 600L, 600L, 10_000L, 10_599L));

            Fixture again = ManifestFixtures.manifest("sync-2", T2).account(account(1))
                    .table(ITEMS, List.of(row(7L, "replaced"))).build();
            parallel.load(List.of(new StagedManifest(again.key(), again.sha256(), again.manifest())), again.opener());
        } finally {
            parallel.close();
        }
        assertThat(query("SELECT _account, count(*), min(_sync_id) FROM items GROUP BY _account ORDER BY _account"))
                .containsExactly(List.of(account(1), 1L, "sync-2"), List.of(account(2), 600L, "sync-1"));
    }

    @Test
    void dataFiles_haveBoundsForMetadataAndNonStringColumns_notForTheSourcesStrings() throws Exception {
        load(batch("sync-1", T1, 3, 0));

        Table items = table("items");
        try (CloseableIterable<FileScanTask> tasks = items.newScan().includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                var bounds = task.file().lowerBounds().keySet();
                assertThat(bounds).as("the id (LONG) and the account (metadata) prune files")
                        .contains(items.schema().findField("id").fieldId(), items.schema().findField("_account").fieldId());
                assertThat(bounds).as("a source string's bounds would rule out nothing")
                        .doesNotContain(items.schema().findField("name").fieldId());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    static String account(int a) {
        return String.format("3000000000%02d", a);
    }

    /** {@code slices} manifests of one sync, three rows each (ids from {@code base}). */
    static List<Fixture> batch(String sync, Instant time, int slices, long base) {
        List<Fixture> batch = new ArrayList<>();
        for (int a = 0; a < slices; a++) {
            long id = base + a * 3L;
            batch.add(ManifestFixtures.manifest(sync, time).account(account(a))
                    .table(ITEMS, List.of(row(id, "a"), row(id + 1, "b"), row(id + 2, null))).build());
        }
        return batch;
    }

    private List<ManifestOutcome> load(List<Fixture> fixtures) {
        Map<String, byte[]> parts = new HashMap<>();
        fixtures.forEach(f -> parts.putAll(f.parts()));
        return warehouse.load(fixtures.stream().map(f -> new StagedManifest(f.key(), f.sha256(), f.manifest())).toList(),
                part -> new ByteArrayInputStream(parts.get(part.key())));
    }

    private Table table(String name) {
        return catalog.loadTable(TableIdentifier.of(lake.namespace(), name));
    }

    private static List<String> files(Table table, boolean deletes) throws IOException {
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                if (deletes) {
                    for (DeleteFile d : task.deletes()) {
                        if (!files.contains(d.location())) {
                            files.add(d.location());
                        }
                    }
                } else {
                    files.add(task.file().location());
                }
            }
        }
        return files;
    }


    private String local(String location) {
        return LakeViews.downloading(table("items").io(), lake.dir.resolve("files")).local(location);
    }

    private List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = lake.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Integer n ? (Object) n.longValue() : v);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}

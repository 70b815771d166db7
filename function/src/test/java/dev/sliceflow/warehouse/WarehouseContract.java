package dev.sliceflow.warehouse;

import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.destination.SyncPlan;
import dev.sliceflow.destination.LedgerEntry;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.destination.LoadDeadline;
import dev.sliceflow.destination.LoadTimeoutException;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.LoadResult;
import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The semantics every warehouse keeps (docs/loading.md). PostgreSQL and DuckDB extend it; so must every later one.
 */
public abstract class WarehouseContract {
    protected static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    protected static final Instant T2 = Instant.parse("2026-01-02T00:00:00Z");
    protected static final Instant T3 = Instant.parse("2026-01-03T00:00:00Z");
    protected static final String OTHER_ACCOUNT = "444455556666";

    protected static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));

    protected Warehouse warehouse;
    private final List<Warehouse> opened = new ArrayList<>();

    /** A warehouse on a fresh, empty database for one test. */
    protected abstract Warehouse newWarehouse();

    /** A second loader on the same database as the last {@link #newWarehouse()} (a concurrent Lambda). */
    protected abstract Warehouse anotherWarehouse();

    /** A connection to read the database the warehouse writes. */
    protected abstract Connection connect() throws SQLException;

    @BeforeEach
    void openWarehouse() {
        warehouse = newWarehouse();
        opened.add(warehouse);
    }

    @AfterEach
    void closeWarehouses() {
        opened.forEach(Warehouse::close);
    }

    // ------------------------------------------------------------------ basics

    @Test
    void load_whenTableIsNew_createsItWithMetadataColumnsAndRecordsTheLedger() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2, 3), 2).build();

        LoadResult result = load(f);

        assertThat(result.skipped()).isFalse();
        assertThat(result.tables()).containsExactly(new LoadResult.TableLoad("items", LoadStatus.LOADED, 3, null));
        assertThat(query("SELECT id, name, _sync_id, _source, _account, _region FROM items ORDER BY id"))
                .containsExactly(
                        List.of(1L, "item-1", "sync-1", "synthetic", ManifestFixtures.ACCOUNT, ManifestFixtures.REGION),
                        List.of(2L, "item-2", "sync-1", "synthetic", ManifestFixtures.ACCOUNT, ManifestFixtures.REGION),
                        List.of(3L, "item-3", "sync-1", "synthetic", ManifestFixtures.ACCOUNT, ManifestFixtures.REGION));
        assertThat(syncTimes("items")).containsOnly(T1);
        List<LedgerEntry> ledger = warehouse.ledger("sync-1");
        assertThat(ledger).singleElement().satisfies(e -> {
            assertThat(e.manifestKey()).isEqualTo(f.key());
            assertThat(e.manifestSha256()).isEqualTo(f.sha256());
            assertThat(e.table()).isEqualTo("items");
            assertThat(e.rows()).isEqualTo(3);
            assertThat(e.status()).isEqualTo(LoadStatus.LOADED);
            assertThat(e.syncTime()).isEqualTo(T1);
            assertThat(e.account()).isEqualTo(ManifestFixtures.ACCOUNT);
        });
        assertThat(warehouse.isLoaded(f.key(), f.sha256())).isTrue();
        assertThat(warehouse.isLoaded(f.key(), "0".repeat(64))).isFalse();
    }

    @Test
    void load_whenPartsAreUncompressed_loadsThem() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).compression(Compression.NONE)
                .table(ITEMS, items(1, 2), 1).build();

        load(f);

        assertThat(ids("items")).containsExactly(1L, 2L);
    }

    @Test
    void load_whenTableHasNoRows_createsItAndReplacesPreviousRowsWithNothing() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build());

        LoadResult result = load(ManifestFixtures.manifest("sync-2", T2).table(ITEMS, List.of()).build());

        assertThat(result.tables()).containsExactly(new LoadResult.TableLoad("items", LoadStatus.LOADED, 0, null));
        assertThat(ids("items")).isEmpty();
    }

    // ------------------------------------------------------------------ lossless

    static final TableSchema EVERY_TYPE = new TableSchema("every_type", List.of(
            Column.required("id", ColumnType.LONG),
            Column.of("s", ColumnType.STRING),
            Column.of("l", ColumnType.LONG),
            Column.of("d", ColumnType.DOUBLE),
            Column.of("n", ColumnType.DECIMAL),
            Column.of("b", ColumnType.BOOLEAN),
            Column.of("ts", ColumnType.TIMESTAMP),
            Column.of("dt", ColumnType.DATE),
            Column.of("j", ColumnType.JSON)), List.of("id"));

    static final List<Object> STRINGS = Arrays.asList(null, "", "a\"b", "\"", "\"\"", "a,b", ",", "line1\nline2", "\n",
            "cr\rx", "crlf\r\nx", "\r\n", "tab\tx", "back\\slash", "\\", "\\N", "\\.", "NULL", "null", " ",
            "emoji \uD83D\uDE00 \uD834\uDD1E \u4E2D\u6587 \u00E9", "=1+2", "+x", "-x", "@x", " lead", "trail ",
            "\u00A0nbsp", "zero\u200Bwidth", "'single'", "semi;colon", "x".repeat(10_000));
    static final List<Object> LONGS = Arrays.asList(null, Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L);
    static final List<Object> DOUBLES = Arrays.asList(null, -0.0, 0.0, 4.9E-324, 1.7976931348623157E308,
            -1.7976931348623157E308, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.1,
            2.2250738585072014E-308, -123.456e-200);
    static final List<Object> DECIMALS = Arrays.asList(null, new BigDecimal("99999999999999999999999999999.999999999"),
            new BigDecimal("-99999999999999999999999999999.999999999"), BigDecimal.ZERO,
            new BigDecimal("-0.000000001"), new BigDecimal("12345678901234567890123456789.123456789"),
            new BigDecimal("1.5"));
    static final List<Object> BOOLEANS = Arrays.asList(null, true, false);
    static final List<Object> TIMESTAMPS = Arrays.asList(null, Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999Z"), Instant.parse("1970-01-01T00:00:00Z"),
            Instant.parse("2024-02-29T12:34:56.123456Z"), Instant.parse("1969-12-31T23:59:59.999999Z"),
            Instant.parse("2026-03-29T01:30:00.000001Z"));
    static final List<Object> DATES = Arrays.asList(null, LocalDate.parse("0001-01-01"),
            LocalDate.parse("9999-12-31"), LocalDate.parse("2024-02-29"), LocalDate.parse("1970-01-01"));
    static final List<Object> JSONS = Arrays.asList(null, "{\"a\":1}", "[1,2,[3,{\"b\":null}]]",
            "{\"s\":\"quote \\\" comma , newline \\n tab \\t\",\"e\":\"\uD83D\uDE00\",\"nested\":{\"x\":[{},[]]}}",
            "\"str\"", "1.5e10", "true", "null", "{}", "[]", "{\"b\":2,\"a\":1,\"a2\":  [ 1 , 2 ]}");

    static List<List<Object>> everyTypeRows() {
        List<List<Object>> values = List.of(STRINGS, LONGS, DOUBLES, DECIMALS, BOOLEANS, TIMESTAMPS, DATES, JSONS);
        int n = values.stream().mapToInt(List::size).max().orElseThrow();
        List<List<Object>> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Object> row = new ArrayList<>();
            row.add((long) i);
            for (List<Object> column : values) {
                row.add(column.get(i % column.size()));
            }
            rows.add(row);
        }
        // one row of NULLs everywhere, one with the empty string in every text column
        List<Object> nulls = new ArrayList<>(Arrays.asList(new Object[EVERY_TYPE.width()]));
        nulls.set(0, (long) n);
        rows.add(nulls);
        List<Object> empty = new ArrayList<>(nulls);
        empty.set(0, (long) n + 1);
        empty.set(1, "");
        rows.add(empty);
        return rows;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "none"})
    void load_everyTypeWithNastyValues_readsBackExactly(String compression) throws Exception {
        List<List<Object>> rows = everyTypeRows();
        Fixture f = ManifestFixtures.manifest("sync-1", T1)
                .compression(compression.equals("gzip") ? Compression.GZIP : Compression.NONE)
                .table(EVERY_TYPE, rows, 7).build();

        load(f);

        Map<Long, List<Object>> actual = new HashMap<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, s, l, d, n, b, ts, dt, j FROM every_type")) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < EVERY_TYPE.width(); i++) {
                    row.add(read(rs, i + 1, EVERY_TYPE.column(i).type()));
                }
                actual.put((Long) row.get(0), row);
            }
        }
        assertThat(actual).hasSize(rows.size());
        for (List<Object> expected : rows) {
            List<Object> got = actual.get((Long) expected.get(0));
            for (int i = 0; i < EVERY_TYPE.width(); i++) {
                Column column = EVERY_TYPE.column(i);
                Object want = expected.get(i);
                Object have = got.get(i);
                dev.sliceflow.testing.JdbcValues.assertSame(
                        "row " + expected.get(0) + " column " + column.name() + " (" + column.type() + ")", want, have);
            }
        }
    }

    /**
     * The whole path with real parts: the worker's SliceSyncer streams every synthetic table (every type, every hard
     * value) into s3proxy; the manifest it wrote is loaded from S3; every value reads back equal to the source.
     */
    @Test
    void load_whatTheWorkerStaged_readsBackEqualToTheSourceValueByValue() throws Exception {
        dev.sliceflow.testing.LocalS3 s3 = dev.sliceflow.testing.LocalS3.get();
        String bucket = s3.newBucket();
        java.nio.file.Path work = dev.sliceflow.testing.TestDirs.create("worker");
        ExecutorService chunks = Executors.newFixedThreadPool(2);
        try {
            dev.sliceflow.staging.S3Uploader uploader = new dev.sliceflow.staging.S3Uploader(s3.client(), bucket,
                    dev.sliceflow.staging.S3Uploader.DEFAULT_THRESHOLD, dev.sliceflow.staging.S3Uploader.DEFAULT_CHUNK,
                    chunks);
            dev.sliceflow.request.SyncRequest request = new dev.sliceflow.request.SyncRequest(1, "e2e-1", T1,
                    new dev.sliceflow.request.SourceSpec("synthetic", Map.of("rowsPerTable", "400", "seed", "11")),
                    "123456789012", "eu-west-1", null, null, null,
                    new dev.sliceflow.request.CsvOptions(Compression.GZIP, 1, 16L << 10), 0);
            dev.sliceflow.worker.SliceResult staged = new dev.sliceflow.worker.SliceSyncer(
                    new dev.sliceflow.source.SourceRegistry(List.of(
                            new dev.sliceflow.source.synthetic.SyntheticSourceFactory())),
                    uploader, java.time.Clock.systemUTC()).sync(request, "e2e", work, dev.sliceflow.worker.Deadline.none());
            byte[] manifestBytes = s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(staged.manifestKey()))
                    .asByteArray();
            dev.sliceflow.manifest.Manifest manifest = ManifestCodec.parse(staged.manifestKey(), manifestBytes);
            assertThat(manifest.tables()).allSatisfy(t -> assertThat(t.parts()).hasSizeGreaterThan(1));

            warehouse.load(manifest, staged.manifestKey(), dev.sliceflow.testing.StagedParts.sha256(manifestBytes),
                    part -> s3.client().getObject(b -> b.bucket(bucket).key(part.key())));

            for (ManifestTable table : manifest.tables()) {
                TableSchema schema = table.schema();
                String columns = String.join(", ", schema.columns().stream().map(Column::name).toList());
                String order = schema.primaryKey().get(0);
                List<List<Object>> actual = new ArrayList<>();
                try (Connection c = connect(); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT " + columns + " FROM " + schema.name())) {
                    while (rs.next()) {
                        List<Object> row = new ArrayList<>();
                        for (int i = 0; i < schema.width(); i++) {
                            row.add(read(rs, i + 1, schema.column(i).type()));
                        }
                        actual.add(row);
                    }
                }
                assertThat(actual).as(schema.name()).hasSize(400);
                List<Object[]> expected = new ArrayList<>();
                for (long i = 0; i < 400; i++) {
                    expected.add(dev.sliceflow.source.synthetic.SyntheticSourceFactory.row(schema, 11, "123456789012",
                            "eu-west-1", i));
                }
                // match rows by primary key: ORDER BY on text follows each database's collation
                int key = schema.columns().indexOf(schema.columns().stream()
                        .filter(col -> col.name().equals(order)).findFirst().orElseThrow());
                Map<String, List<Object>> byKey = new HashMap<>();
                actual.forEach(row -> byKey.put(String.valueOf(row.get(key)), row));
                actual = expected.stream().map(row -> byKey.get(String.valueOf(row[key]))).toList();
                for (int r = 0; r < expected.size(); r++) {
                    for (int i = 0; i < schema.width(); i++) {
                        Object want = expected.get(r)[i];
                        Object have = actual.get(r).get(i);
                        dev.sliceflow.testing.JdbcValues.assertSame(
                                schema.name() + " row " + r + " column " + schema.column(i).name(), want, have);
                    }
                }
            }
        } finally {
            chunks.shutdownNow();
        }
    }

    @Test
    void syncStatus_whenPlannedSlicesLoadIncludingContinuations_isCompleteOnlyWhenEverySeqIsIn() throws Exception {
        warehouse.recordPlan(new SyncPlan("sync-9", T1, "synthetic", 2, 2, 1, "items"));
        warehouse.recordPlan(new SyncPlan("sync-9", T1, "synthetic", 99, 99, 1, "items"));
        Fixture a = ManifestFixtures.manifest("sync-9", T1).table(ITEMS, items(1, 2)).build();
        Fixture b1 = ManifestFixtures.manifest("sync-9", T1).account(OTHER_ACCOUNT).seq(1).last(true)
                .table(ITEMS, items(3)).build();

        load(a);
        load(b1);

        dev.sliceflow.destination.SyncStatus half = warehouse.syncStatus(java.util.Optional.of("sync-9")).get(0);
        assertThat(half.slicesExpected()).as("the first recorded plan wins").isEqualTo(2);
        assertThat(half.slicesLoaded()).as("seq 1 is in, seq 0 is not").isEqualTo(1);
        assertThat(half.complete()).isFalse();

        load(ManifestFixtures.manifest("sync-9", T1).account(OTHER_ACCOUNT).seq(0).last(false)
                .failedTable(new TableSchema("other_table", List.of(Column.required("id", ColumnType.LONG)), List.of("id")),
                        "AccessDenied").build());

        dev.sliceflow.destination.SyncStatus done = warehouse.syncStatus(java.util.Optional.of("sync-9")).get(0);
        assertThat(done.slicesLoaded()).isEqualTo(2);
        assertThat(done.manifests()).isEqualTo(3);
        assertThat(done.rowsLoaded()).isEqualTo(3);
        assertThat(done.tablesFailed()).isEqualTo(1);
        assertThat(done.complete()).isTrue();
        assertThat(done.lastLoadedAt()).isNotNull();
        assertThat(warehouse.syncStatus(java.util.Optional.empty())).extracting(s -> s.syncId()).contains("sync-9");
    }

    @Test
    void syncStatus_whenATableArrivesStale_countsItAsStaleAndNotItsRowsAsLoaded() throws Exception {
        load(ManifestFixtures.manifest("sync-new", T2).table(ITEMS, items(1, 2)).build());
        load(ManifestFixtures.manifest("sync-old", T1).table(ITEMS, items(7, 8, 9)).build());

        dev.sliceflow.destination.SyncStatus old = warehouse.syncStatus(java.util.Optional.of("sync-old")).get(0);

        assertThat(old.tablesStale()).isEqualTo(1);
        assertThat(old.tablesLoaded()).isZero();
        assertThat(old.rowsLoaded()).as("a stale table's rows were not loaded").isZero();
        assertThat(ids("items")).containsExactly(1L, 2L);
    }

    @Test
    void deleteRemovedSlices_whenACompleteReplaceSyncNoLongerCoversAnAccount_deletesItsRowsOnly() throws Exception {
        String gone = "999988887777";
        String failing = "555566667777";
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build());
        load(ManifestFixtures.manifest("sync-1", T1).account(gone).table(ITEMS, items(3, 4)).build());
        load(ManifestFixtures.manifest("sync-1", T1).account(failing).table(ITEMS, items(5)).build());
        warehouse.recordPlan(new SyncPlan("sync-2", T2, ManifestFixtures.SOURCE, 2, 2, 1, "items"));
        load(ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(1)).build());

        assertThat(warehouse.deleteRemovedSlices("sync-2")).as("not complete yet: nothing happens").isEmpty();

        load(ManifestFixtures.manifest("sync-2", T2).account(failing).failedTable(ITEMS, "AccessDenied").build());
        Map<String, Long> deleted = warehouse.deleteRemovedSlices("sync-2");

        assertThat(deleted).containsExactly(Map.entry("items " + gone + " " + ManifestFixtures.REGION, 2L));
        assertThat(ids("items")).as("sync-2's row, and the failed slice's last good row").containsExactly(1L, 5L);
        assertThat(warehouse.deleteRemovedSlices("sync-2")).as("idempotent").isEmpty();
    }

    /** Reads a column the way a user's JDBC code would. */
    protected Object read(ResultSet rs, int index, ColumnType type) throws SQLException {
        return dev.sliceflow.testing.JdbcValues.read(rs, index, type);
    }

    // ------------------------------------------------------------------ exactly once

    @ParameterizedTest
    @ValueSource(ints = {2, 5, 10})
    void load_sameManifestManyTimes_loadsItOnce(int times) throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).writeMode(WriteMode.APPEND)
                .table(ITEMS, items(1, 2, 3), 2).build();

        List<LoadResult> results = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            results.add(load(f));
        }

        assertThat(results.get(0).skipped()).isFalse();
        assertThat(results.subList(1, times)).allSatisfy(r -> assertThat(r.skipped()).isTrue());
        assertThat(ids("items")).containsExactly(1L, 2L, 3L);
        assertThat(warehouse.ledger("sync-1")).hasSize(1);
    }

    @Test
    void load_twoLoadersAtOnce_loadOnce() throws Exception {
        List<List<Object>> many = new ArrayList<>();
        for (long i = 0; i < 20_000; i++) {
            many.add(row(i, "row " + i));
        }
        Fixture f = ManifestFixtures.manifest("sync-1", T1).writeMode(WriteMode.APPEND).table(ITEMS, many, 5_000).build();
        Warehouse other = anotherWarehouse();
        opened.add(other);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<LoadResult>> futures = new ArrayList<>();
            for (Warehouse w : List.of(warehouse, other)) {
                futures.add(pool.submit(() -> {
                    start.await();
                    // a transient failure is retried, as SQS would redeliver it
                    for (int attempt = 0; ; attempt++) {
                        try {
                            return w.load(f.manifest(), f.key(), f.sha256(), f.opener());
                        } catch (TransientLoadException e) {
                            if (attempt == 5) {
                                throw e;
                            }
                        }
                    }
                }));
            }
            start.countDown();
            List<LoadResult> results = new ArrayList<>();
            for (Future<LoadResult> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            assertThat(results).filteredOn(r -> !r.skipped()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("items")).isEqualTo(20_000);
        assertThat(warehouse.ledger("sync-1")).hasSize(1);
    }

    @Test
    void load_whenAPartFailsMidway_leavesNothingVisible() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build());
        TableSchema other = new TableSchema("zz_other", List.of(Column.of("v", ColumnType.STRING)), List.of());
        Fixture f = ManifestFixtures.manifest("sync-2", T2)
                .table(ITEMS, items(10, 11, 12, 13), 2)
                .table(other, List.of(row("a"), row("b"), row("c")), 1)
                .build();
        String lastPart = f.manifest().tables().get(1).parts().get(2).key();
        PartOpener failing = part -> part.key().equals(lastPart)
                ? new FailingInputStream(f.parts().get(part.key()), 10)
                : f.opener().open(part);

        assertThatThrownBy(() -> warehouse.load(f.manifest(), f.key(), f.sha256(), failing))
                .isInstanceOf(TransientLoadException.class)
                .hasMessageContaining(f.key());

        assertThat(ids("items")).containsExactly(1L, 2L);
        assertThat(tableExists("zz_other")).isFalse();
        assertThat(warehouse.ledger("sync-2")).isEmpty();
        assertThat(warehouse.isLoaded(f.key(), f.sha256())).isFalse();

        LoadResult retry = load(f);

        assertThat(retry.skipped()).isFalse();
        assertThat(ids("items")).containsExactly(10L, 11L, 12L, 13L);
        assertThat(count("zz_other")).isEqualTo(3);
    }

    // ------------------------------------------------------------------ failures by cause: permanent or transient

    /** The most columns a table of this engine may have, when a manifest can exceed it (PostgreSQL: 1,600). */
    protected java.util.OptionalInt maxColumns() {
        return java.util.OptionalInt.empty();
    }

    /**
     * Cuts the loader off from the database while it is in a COPY (PostgreSQL: terminates its backend from another
     * connection); false when the engine has no connection to lose (DuckDB runs in the loader's process).
     */
    protected boolean loseTheLoadersConnectionWhileItCopies() throws SQLException {
        return false;
    }

    @Test
    void failure_whenAValueIsOneTheColumnRefuses_rejectsTheManifestNamingTheTable() throws Exception {
        byte[] bad = ManifestFixtures.csv(new TableSchema("items", List.of(Column.of("id", ColumnType.STRING),
                Column.of("name", ColumnType.STRING)), List.of()), List.of(row("1", "x"), row("not-a-number", "y")),
                Compression.GZIP);
        Fixture f = rawPart(ITEMS, bad, 2);

        List<ManifestOutcome> outcomes = loadBatch(List.of(f));

        assertThat(outcomes.get(0)).as("permanent").isInstanceOfSatisfying(ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains(f.key()).contains("table items"));
        assertThat(tableExists("items") ? count("items") : 0).isZero();
        assertThat(warehouse.isLoaded(f.key(), f.sha256())).isFalse();
    }

    @Test
    void failure_whenARecordHasAnExtraField_rejectsTheManifestNamingTheTable() throws Exception {
        // the header names the manifest's columns, a record holds one field more
        byte[] bad = ("\"id\",\"name\"\n\"1\",\"one\"\n\"2\",\"two\",\"extra\"\n")
                .getBytes(StandardCharsets.UTF_8);
        Fixture f = rawPart(ITEMS, bad, 2, Compression.NONE);

        List<ManifestOutcome> outcomes = loadBatch(List.of(f));

        assertThat(outcomes.get(0)).as("permanent").isInstanceOfSatisfying(ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains(f.key()).contains("table items"));
        assertThat(tableExists("items") ? count("items") : 0).isZero();
    }

    @Test
    void failure_whenATableHasMoreColumnsThanTheEngineAllows_rejectsTheManifestNamingTheTable() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(maxColumns().isPresent(), "no column limit a manifest reaches");
        List<Column> columns = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i <= maxColumns().getAsInt(); i++) {
            columns.add(Column.of(String.format("c%04d", i), ColumnType.LONG));
            values.add((long) i);
        }
        TableSchema wide = new TableSchema("too_wide", columns, List.of());
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(wide, List.of(values)).build();

        List<ManifestOutcome> outcomes = loadBatch(List.of(f));

        assertThat(outcomes.get(0)).as("permanent").isInstanceOfSatisfying(ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains(f.key()).contains("table too_wide")
                        .contains(Integer.toString(maxColumns().getAsInt())));
        assertThat(tableExists("too_wide")).isFalse();
    }

    @Test
    void failure_whenAPartsBytesAreMissingFromS3_retriesTheManifestNamingThePart() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2, 3), 2).build();
        String gone = f.manifest().tables().get(0).parts().get(1).key();
        // what S3Client.getObject throws for a key that is not there
        PartOpener s3 = part -> {
            if (part.key().equals(gone)) {
                throw software.amazon.awssdk.services.s3.model.NoSuchKeyException.builder()
                        .message("The specified key does not exist. (Service: S3, Status Code: 404)").build();
            }
            return f.opener().open(part);
        };

        List<ManifestOutcome> outcomes = warehouse.load(List.of(staged(f)), s3);

        assertThat(outcomes.get(0)).as("transient").isInstanceOfSatisfying(ManifestOutcome.Retry.class,
                r -> assertThat(r.error().getMessage()).contains(gone));
        assertThat(tableExists("items") ? count("items") : 0).isZero();
        assertThat(loadBatch(List.of(f)).get(0)).as("loads once its part is there")
                .isInstanceOf(ManifestOutcome.Loaded.class);
        assertThat(ids("items")).containsExactly(1L, 2L, 3L);
    }

    @Test
    void failure_whenTheConnectionIsLostMidLoad_retriesAndTheRetryLoadsOnce() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS,
                java.util.stream.LongStream.range(0, 20_000).mapToObj(i -> row(i, "row " + i)).toList(), 5_000)
                .build();
        String held = f.manifest().tables().get(0).parts().get(2).key();
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PartOpener slow = part -> {
            java.io.InputStream in = f.opener().open(part);
            return !part.key().equals(held) ? in : new FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    copying.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                    return super.read(b, off, len);
                }
            };
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<ManifestOutcome>> loading = pool.submit(() -> warehouse.load(List.of(staged(f)), slow));
            assertThat(copying.await(60, TimeUnit.SECONDS)).isTrue();
            boolean lost;
            try {
                lost = loseTheLoadersConnectionWhileItCopies();
            } finally {
                release.countDown();
            }
            List<ManifestOutcome> outcomes = loading.get(60, TimeUnit.SECONDS);
            org.junit.jupiter.api.Assumptions.assumeTrue(lost, "the engine has no connection to lose");

            assertThat(outcomes.get(0)).as("transient").isInstanceOf(ManifestOutcome.Retry.class);
            assertThat(tableExists("items")).isFalse();
        } finally {
            pool.shutdownNow();
        }
        assertThat(loadBatch(List.of(f)).get(0)).isInstanceOf(ManifestOutcome.Loaded.class);
        assertThat(loadBatch(List.of(f)).get(0)).isInstanceOfSatisfying(ManifestOutcome.Loaded.class,
                l -> assertThat(l.result().skipped()).isTrue());
        assertThat(count("items")).isEqualTo(20_000);
    }

    /** A manifest of one part of {@code table} holding {@code bytes} (gzip) listed as {@code rows} rows. */
    protected static Fixture rawPart(TableSchema table, byte[] bytes, long rows) {
        return rawPart(table, bytes, rows, Compression.GZIP);
    }

    protected static Fixture rawPart(TableSchema table, byte[] bytes, long rows, Compression compression) {
        String key = dev.sliceflow.staging.ObjectLayout.partKey(table.name(), LocalDate.of(2026, 1, 1), "sync-1",
                ManifestFixtures.ACCOUNT, ManifestFixtures.REGION, "a1", 0, compression);
        return ManifestFixtures.manifest("sync-1", T1).compression(compression).rawTable(ManifestTable.ok(table,
                List.of(new ManifestPart(key, rows, bytes.length, ManifestFixtures.sha256(bytes)))),
                Map.of(key, bytes)).build();
    }

    // ------------------------------------------------------------------ the loader's deadline

    @Test
    void load_whenTheDeadlinePassesWhileAPartStreams_commitsNothingAndLoadsOnceWhenRetriedInTime() throws Exception {
        Fixture a = ManifestFixtures.manifest("sync-1", T1).account("100000000001").table(ITEMS, items(1, 2), 1).build();
        Fixture b = ManifestFixtures.manifest("sync-1", T1).account("100000000002").table(ITEMS, items(3, 4), 1).build();
        Map<String, byte[]> parts = new HashMap<>(a.parts());
        parts.putAll(b.parts());
        // S3 slow to answer: every part takes 400 ms to arrive, the deadline is 300 ms away
        PartOpener slow = part -> new SlowInputStream(parts.get(part.key()), 400);

        List<ManifestOutcome> outcomes = warehouse.load(List.of(staged(a), staged(b)), slow,
                LoadDeadline.in(java.time.Duration.ofMillis(300)));

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(ManifestOutcome.Retry.class,
                r -> assertThat(r.error()).isInstanceOf(LoadTimeoutException.class)
                        .hasMessageContaining("deadline")));
        assertThat(tableExists("items") ? count("items") : 0).isZero();
        assertThat(warehouse.ledger("sync-1")).isEmpty();

        List<ManifestOutcome> retried = warehouse.load(List.of(staged(a), staged(b)),
                part -> new ByteArrayInputStream(parts.get(part.key())),
                LoadDeadline.in(java.time.Duration.ofSeconds(60)));

        assertThat(retried).allSatisfy(o -> assertThat(o).isInstanceOf(ManifestOutcome.Loaded.class));
        assertThat(ids("items")).containsExactly(1L, 2L, 3L, 4L);
        assertThat(loadBatch(List.of(a, b))).allSatisfy(o -> assertThat(((ManifestOutcome.Loaded) o).result()
                .skipped()).isTrue());
        assertThat(count("items")).isEqualTo(4);
    }

    @Test
    void load_whenTheDeadlinePassesBeforeTheLastPartIsDone_rollsBackTheReplace() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build());
        Fixture f = ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(10, 11, 12)).build();
        // every byte arrives in time; only closing the part's stream outlasts the deadline
        PartOpener lateClose = part -> new ByteArrayInputStream(f.parts().get(part.key())) {
            @Override
            public void close() {
                dev.sliceflow.testing.Await.sleep(2_500);
            }
        };

        List<ManifestOutcome> outcomes = warehouse.load(List.of(staged(f)), lateClose,
                LoadDeadline.in(java.time.Duration.ofMillis(1_500)));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(ManifestOutcome.Retry.class,
                r -> assertThat(r.error()).isInstanceOf(LoadTimeoutException.class).hasMessageContaining("deadline"));
        assertThat(ids("items")).as("the replace was rolled back").containsExactly(1L, 2L);
        assertThat(warehouse.isLoaded(f.key(), f.sha256())).isFalse();

        load(f);

        assertThat(ids("items")).containsExactly(10L, 11L, 12L);
    }

    @Test
    void load_whenAPartNeverArrives_givesUpAtTheDeadlineNotWhenThePartDoes() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build();
        CountDownLatch arrives = new CountDownLatch(1);
        // a GET that hangs (S3 stalled, a dead connection before its socket timeout)
        PartOpener stalled = part -> {
            try {
                arrives.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return f.opener().open(part);
        };
        long start = System.nanoTime();
        try {
            List<ManifestOutcome> outcomes = warehouse.load(List.of(staged(f)), stalled,
                    LoadDeadline.in(java.time.Duration.ofMillis(500)));

            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(10));
            assertThat(outcomes.get(0)).isInstanceOfSatisfying(ManifestOutcome.Retry.class,
                    r -> assertThat(r.error()).isInstanceOf(LoadTimeoutException.class));
        } finally {
            arrives.countDown();
        }
        assertThat(tableExists("items") ? count("items") : 0).isZero();
    }

    /** Bytes that arrive only after {@code delayMillis}: a slow S3. */
    protected static final class SlowInputStream extends FilterInputStream {
        private final long delayMillis;
        private boolean waited;

        public SlowInputStream(byte[] bytes, long delayMillis) {
            super(new ByteArrayInputStream(bytes));
            this.delayMillis = delayMillis;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!waited) {
                waited = true;
                dev.sliceflow.testing.Await.sleep(delayMillis);
            }
            return super.read(b, off, len);
        }
    }

    // ------------------------------------------------------------------ write modes, staleness, failed tables

    @Test
    void load_replace_replacesOnlyThatSlicesRows() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build());
        load(ManifestFixtures.manifest("sync-1", T1).account(OTHER_ACCOUNT).table(ITEMS, items(100)).build());

        load(ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(3)).build());

        assertThat(query("SELECT id, _sync_id, _account FROM items ORDER BY id")).containsExactly(
                List.of(3L, "sync-2", ManifestFixtures.ACCOUNT),
                List.of(100L, "sync-1", OTHER_ACCOUNT));
    }

    @Test
    void load_append_keepsEverySyncAndReloadsOfOneSyncStayOnce() throws Exception {
        Fixture s1 = ManifestFixtures.manifest("sync-1", T1).writeMode(WriteMode.APPEND).table(ITEMS, items(1, 2)).build();
        Fixture s2 = ManifestFixtures.manifest("sync-2", T2).writeMode(WriteMode.APPEND).table(ITEMS, items(1, 3)).build();
        load(s1);
        load(s2);

        // a second attempt of sync-2's slice wrote the same manifest key with another checksum
        LoadResult again = load(s2.anotherAttempt());

        assertThat(again.skipped()).isFalse();
        assertThat(query("SELECT id, _sync_id FROM items ORDER BY _sync_id, id")).containsExactly(
                List.of(1L, "sync-1"), List.of(2L, "sync-1"), List.of(1L, "sync-2"), List.of(3L, "sync-2"));
    }

    @Test
    void load_whenManifestIsOlderThanTheLastLoaded_recordsStaleAndChangesNothing() throws Exception {
        load(ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(2)).build());

        LoadResult stale = load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1)).build());

        assertThat(stale.tables()).containsExactly(new LoadResult.TableLoad("items", LoadStatus.STALE, 0, null));
        assertThat(query("SELECT id, _sync_id FROM items")).containsExactly(List.of(2L, "sync-2"));
        assertThat(warehouse.ledger("sync-1")).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LoadStatus.STALE));

        load(ManifestFixtures.manifest("sync-3", T3).table(ITEMS, items(3)).build());
        assertThat(ids("items")).containsExactly(3L);
    }

    @Test
    void load_whenATableFailedInTheWorker_keepsItsPreviousRowsAndRecordsTheError() throws Exception {
        TableSchema users = new TableSchema("users", List.of(Column.of("name", ColumnType.STRING)), List.of());
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).table(users, List.of(row("ann"))).build());

        LoadResult result = load(ManifestFixtures.manifest("sync-2", T2)
                .failedTable(ITEMS, "AccessDenied: not authorized to perform ec2:DescribeItems")
                .table(users, List.of(row("bob")))
                .build());

        assertThat(result.tables()).containsExactly(
                new LoadResult.TableLoad("items", LoadStatus.FAILED, 0,
                        "AccessDenied: not authorized to perform ec2:DescribeItems"),
                new LoadResult.TableLoad("users", LoadStatus.LOADED, 1, null));
        assertThat(query("SELECT id, _sync_id FROM items ORDER BY id"))
                .containsExactly(List.of(1L, "sync-1"), List.of(2L, "sync-1"));
        assertThat(query("SELECT name FROM users")).containsExactly(List.of("bob"));
        assertThat(warehouse.ledger("sync-2")).anySatisfy(e -> {
            assertThat(e.table()).isEqualTo("items");
            assertThat(e.status()).isEqualTo(LoadStatus.FAILED);
            assertThat(e.error()).contains("AccessDenied");
        });
        // the failure did not advance the table's state: sync-1's data is still the newest loaded
        LoadResult late = load(ManifestFixtures.manifest("sync-1b", T1.plusSeconds(1)).table(ITEMS, items(5)).build());
        assertThat(late.tables().get(0).status()).isEqualTo(LoadStatus.LOADED);
    }

    @Test
    void load_whenATableFailedBeforeItWasEverLoaded_createsNothing() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).failedTable(ITEMS, "Throttling").build());

        assertThat(tableExists("items")).isFalse();
        assertThat(warehouse.ledger("sync-1")).singleElement()
                .satisfies(e -> assertThat(e.error()).isEqualTo("Throttling"));
    }

    // ------------------------------------------------------------------ schema evolution

    @Test
    void load_whenAColumnIsNew_addsIt() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).writeMode(WriteMode.APPEND).table(ITEMS, items(1)).build());
        TableSchema wider = new TableSchema("items", List.of(Column.required("id", ColumnType.LONG),
                Column.of("name", ColumnType.STRING), Column.of("size", ColumnType.DOUBLE)), List.of("id"));

        load(ManifestFixtures.manifest("sync-2", T2).writeMode(WriteMode.APPEND)
                .table(wider, List.of(row(2L, "two", 2.5))).build());

        List<List<Object>> rows = query("SELECT id, name, size FROM items ORDER BY id");
        assertThat(rows.get(0)).containsExactly(1L, "item-1", null);
        assertThat(rows.get(1)).containsExactly(2L, "two", 2.5);

        // a later manifest without the column still loads: the column is NULL
        load(ManifestFixtures.manifest("sync-3", T3).writeMode(WriteMode.APPEND).table(ITEMS, items(3)).build());
        assertThat(query("SELECT size FROM items WHERE id = 3")).containsExactly(Arrays.asList((Object) null));
    }

    @Test
    void load_whenAColumnChangesType_failsNamingTableColumnAndTypesAndWritesNothing() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1)).build());
        TableSchema changed = new TableSchema("items", List.of(Column.required("id", ColumnType.STRING),
                Column.of("name", ColumnType.STRING)), List.of("id"));
        TableSchema fresh = new TableSchema("aa_fresh", List.of(Column.of("v", ColumnType.LONG)), List.of());
        Fixture f = ManifestFixtures.manifest("sync-2", T2)
                .table(fresh, List.of(row(1L)))
                .table(changed, List.of(row("x", "y"))).build();

        assertThatThrownBy(() -> load(f))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("table items")
                .hasMessageContaining("column id")
                .hasMessageContaining("LONG")
                .hasMessageContaining("STRING");

        assertThat(query("SELECT id, _sync_id FROM items")).containsExactly(List.of(1L, "sync-1"));
        assertThat(tableExists("aa_fresh")).isFalse();
        assertThat(warehouse.ledger("sync-2")).isEmpty();
    }

    // ------------------------------------------------------------------ hostile input

    @Test
    void parse_whenTableOrColumnNameIsHostile_rejectsItBeforeAnySql() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1)).build();
        String json = new String(f.json(), StandardCharsets.UTF_8);
        String hostileTable = json.replace("\"items\"", "\"x; drop table y\"");
        String hostileColumn = json.replace("\"name\" : \"name\"", "\"name\" : \"na\\\"me\"");
        assertThat(hostileTable).isNotEqualTo(json);
        assertThat(hostileColumn).isNotEqualTo(json);

        assertThatThrownBy(() -> ManifestCodec.parse(f.key(), hostileTable.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("table");
        assertThatThrownBy(() -> ManifestCodec.parse(f.key(), hostileColumn.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("column");
        assertThatThrownBy(() -> Sql.quote("x\"; drop table y; --"))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void load_whenAColumnUsesAMetadataName_rejectsTheManifest() throws Exception {
        TableSchema sneaky = new TableSchema("items", List.of(Column.of("id", ColumnType.LONG),
                Column.of("_sync_id", ColumnType.STRING)), List.of());
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(sneaky, List.of(row(1L, "forged"))).build();

        assertThatThrownBy(() -> load(f))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("_sync_id")
                .hasMessageContaining("reserved");
        assertThat(tableExists("items")).isFalse();
    }

    @Test
    void load_whenNamesAreSqlKeywords_quotesThem() throws Exception {
        TableSchema order = new TableSchema("order", List.of(Column.of("select", ColumnType.STRING),
                Column.of("from", ColumnType.LONG), Column.of("user", ColumnType.STRING)), List.of());

        load(ManifestFixtures.manifest("sync-1", T1).table(order, List.of(row("a", 1L, "u"))).build());

        assertThat(query("SELECT \"select\", \"from\", \"user\" FROM \"order\"")).containsExactly(List.of("a", 1L, "u"));
    }

    // ------------------------------------------------------------------ part verification

    @Test
    void load_whenAPartsChecksumDiffers_failsTransientlyNamingThePartAndLoadsNothing() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).compression(Compression.NONE)
                .table(ITEMS, items(1, 2, 3)).build();
        String key = f.manifest().tables().get(0).parts().get(0).key();
        byte[] tampered = f.parts().get(key).clone();
        int at = new String(tampered, StandardCharsets.UTF_8).indexOf("item-2");
        tampered[at] = 'X';

        assertThatThrownBy(() -> warehouse.load(f.manifest(), f.key(), f.sha256(), p -> new ByteArrayInputStream(tampered)))
                .isInstanceOf(TransientLoadException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("SHA-256");

        assertThat(tableExists("items")).isFalse();
        assertThat(warehouse.isLoaded(f.key(), f.sha256())).isFalse();
    }

    @Test
    void load_whenATamperedPartIsNoLongerValidCsv_stillReportsTheChecksumMismatch() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).compression(Compression.NONE)
                .table(ITEMS, items(1, 2, 3)).build();
        String key = f.manifest().tables().get(0).parts().get(0).key();
        byte[] tampered = f.parts().get(key).clone();
        int at = new String(tampered, StandardCharsets.UTF_8).indexOf("\"item-2\"");
        tampered[at] = 'X';

        assertThatThrownBy(() -> warehouse.load(f.manifest(), f.key(), f.sha256(), p -> new ByteArrayInputStream(tampered)))
                .isInstanceOf(TransientLoadException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("SHA-256");
        assertThat(tableExists("items")).isFalse();
    }

    @Test
    void load_whenAGzipPartIsCorrupted_failsTransientlyNamingThePart() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2, 3)).build();
        String key = f.manifest().tables().get(0).parts().get(0).key();
        byte[] tampered = f.parts().get(key).clone();
        tampered[tampered.length / 2] ^= 0x55;

        assertThatThrownBy(() -> warehouse.load(f.manifest(), f.key(), f.sha256(), p -> new ByteArrayInputStream(tampered)))
                .isInstanceOf(TransientLoadException.class)
                .hasMessageContaining(key);
        assertThat(tableExists("items")).isFalse();
    }

    @Test
    void load_whenAPartsSizeDiffers_failsTransientlyNamingThePart() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2, 3)).build();
        String key = f.manifest().tables().get(0).parts().get(0).key();
        byte[] original = f.parts().get(key);
        byte[] truncated = Arrays.copyOf(original, original.length - 3);

        assertThatThrownBy(() -> warehouse.load(f.manifest(), f.key(), f.sha256(), p -> new ByteArrayInputStream(truncated)))
                .isInstanceOf(TransientLoadException.class)
                .hasMessageContaining(key);
        assertThat(tableExists("items")).isFalse();
    }

    @Test
    void load_whenAPartHoldsOtherRowsThanListed_failsPermanently() throws Exception {
        byte[] bytes = ManifestFixtures.csv(ITEMS, items(1, 2), Compression.GZIP);
        String key = "data/items/sync_date=2026-01-01/sync_id=sync-1/account=111122223333/region=us-east-1/part-a1-0.csv.gz";
        ManifestPart lying = new ManifestPart(key, 3, bytes.length, ManifestFixtures.sha256(bytes));
        Fixture f = ManifestFixtures.manifest("sync-1", T1)
                .rawTable(ManifestTable.ok(ITEMS, List.of(lying)), Map.of(key, bytes)).build();

        assertThatThrownBy(() -> load(f))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(key)
                .hasMessageContaining("has 2 rows, manifest says 3");
        assertThat(tableExists("items")).isFalse();
    }

    @Test
    void load_whenAPartIsListedTwice_rejectsTheManifest() throws Exception {
        Fixture once = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build();
        ManifestPart part = once.manifest().tables().get(0).parts().get(0);
        Fixture twice = ManifestFixtures.manifest("sync-1", T1)
                .rawTable(ManifestTable.ok(ITEMS, List.of(part, part)), once.parts()).build();

        assertThatThrownBy(() -> load(twice))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("listed twice");
        assertThat(tableExists("items")).isFalse();
    }

    @Test
    void recordRejected_storesTheReason() throws Exception {
        warehouse.recordRejected("manifests/sync_id=s/account=1/region=r/manifest-0.json", "ab", "not JSON");

        assertThat(query("SELECT manifest_key, manifest_sha256, reason FROM _sliceflow_rejects"))
                .containsExactly(List.of("manifests/sync_id=s/account=1/region=r/manifest-0.json", "ab", "not JSON"));
    }

    @Test
    void statusQuery_fromDocs_countsTablesByStatusAndRows() throws Exception {
        TableSchema users = new TableSchema("users", List.of(Column.of("name", ColumnType.STRING)), List.of());
        load(ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(1, 2)).failedTable(users, "AccessDenied").build());
        load(ManifestFixtures.manifest("sync-2", T2).account(OTHER_ACCOUNT).table(ITEMS, items(3)).build());

        // docs/loading.md, "Status: the SQL to run"
        assertThat(query("SELECT sync_id, count(DISTINCT manifest_key) AS manifests,"
                + " count(*) FILTER (WHERE status = 'loaded') AS tables_loaded,"
                + " count(*) FILTER (WHERE status = 'failed') AS tables_failed,"
                + " count(*) FILTER (WHERE status = 'stale')  AS tables_stale,"
                + " sum(row_count) AS rows"
                + " FROM _sliceflow_loads WHERE sync_id = 'sync-2' GROUP BY sync_id").get(0).toString())
                .isEqualTo("[sync-2, 2, 2, 1, 0, 3]");
        assertThat(query("SELECT count(*) FROM _sliceflow_manifests WHERE sync_id = 'sync-2' AND is_last"))
                .containsExactly(List.of(2L));
        assertThat(query("SELECT account, last_sync_id FROM _sliceflow_state WHERE table_name = 'items'"
                + " ORDER BY account")).containsExactly(List.of(ManifestFixtures.ACCOUNT, "sync-2"),
                List.of(OTHER_ACCOUNT, "sync-2"));
    }

    // ------------------------------------------------------------------ what the reconciler asks

    @Test
    void settledManifests_areTheSyncsKeysLoadedStaleFailedRejectedOrFailingAndNoOthers() throws Exception {
        TableSchema users = new TableSchema("users", List.of(Column.of("name", ColumnType.STRING)), List.of());
        Fixture loaded = ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(1)).build();
        Fixture failed = ManifestFixtures.manifest("sync-2", T2).account(OTHER_ACCOUNT)
                .failedTable(users, "AccessDenied").build();
        Fixture newer = ManifestFixtures.manifest("sync-3", T3).region("eu-west-1").table(ITEMS, items(2)).build();
        Fixture stale = ManifestFixtures.manifest("sync-2", T2).region("eu-west-1").table(ITEMS, items(3)).build();
        load(loaded);
        load(failed);
        load(newer);
        load(stale);
        String rejected = ManifestFixtures.manifest("sync-2", T2).region("ap-southeast-2").build().key();
        warehouse.recordRejected(rejected, null, "not JSON");
        // a sync id whose underscore a LIKE would take for any character
        warehouse.recordRejected(dev.sliceflow.staging.ObjectLayout.manifestKey("sync_2", ManifestFixtures.ACCOUNT,
                "us-west-2", 0), null, "not JSON");
        warehouse.recordRejected(dev.sliceflow.staging.ObjectLayout.manifestKey("sync-2x", ManifestFixtures.ACCOUNT,
                "us-west-2", 0), null, "not JSON");

        String failing = ManifestFixtures.manifest("sync-2", T2).region("us-west-2").build().key();
        warehouse.recordLoadErrors(List.of(new dev.sliceflow.destination.FailedLoad(failing, null, "part missing")));

        assertThat(warehouse.settledManifests("sync-2"))
                .containsExactlyInAnyOrder(loaded.key(), failed.key(), stale.key(), rejected, failing);
        assertThat(warehouse.settledManifests("sync-3")).containsExactly(newer.key());
        assertThat(warehouse.settledManifests("sync-4")).isEmpty();
    }

    @Test
    void settledSyncs_areTheCompleteOrOlderOnesAndNeverAnUnknownSync() throws Exception {
        warehouse.recordPlan(new SyncPlan("complete", T3, "synthetic", 1, 1, 1, "items"));
        load(ManifestFixtures.manifest("complete", T3).table(ITEMS, items(1)).build());
        warehouse.recordPlan(new SyncPlan("half", T3, "synthetic", 2, 2, 1, "items"));
        load(ManifestFixtures.manifest("half", T3).region("eu-west-1").table(ITEMS, items(2)).build());
        warehouse.recordPlan(new SyncPlan("old-planned", T1, "synthetic", 2, 2, 1, "items"));
        load(ManifestFixtures.manifest("by-hand", T3).region("ap-southeast-2").table(ITEMS, items(3)).build());

        assertThat(warehouse.settledSyncs(List.of("complete", "half", "old-planned", "by-hand", "unknown"), T2))
                .containsExactlyInAnyOrder("complete", "old-planned");
        assertThat(warehouse.settledSyncs(List.of(), T2)).isEmpty();
    }

    @Test
    void recordLoadErrors_keepsTheLastErrorPerKeyUntilTheManifestLoads() throws Exception {
        Fixture a = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1)).build();
        Fixture b = ManifestFixtures.manifest("sync-1", T1).account(OTHER_ACCOUNT).table(ITEMS, items(2)).build();

        warehouse.recordLoadErrors(List.of(new dev.sliceflow.destination.FailedLoad(a.key(), a.sha256(), "first"),
                new dev.sliceflow.destination.FailedLoad(b.key(), b.sha256(), "part missing")));
        warehouse.recordLoadErrors(List.of(new dev.sliceflow.destination.FailedLoad(a.key(), a.sha256(), "second"),
                new dev.sliceflow.destination.FailedLoad(a.key(), a.sha256(), "third")));

        assertThat(warehouse.failingLoads(10)).extracting(e -> e.manifestKey() + " " + e.error() + " " + e.attempts())
                .containsExactlyInAnyOrder(a.key() + " third 2", b.key() + " part missing 1");
        assertThat(warehouse.failingLoads(10)).allSatisfy(e -> {
            assertThat(e.firstFailedAt()).isNotNull();
            assertThat(e.lastFailedAt()).isAfterOrEqualTo(e.firstFailedAt());
        });
        assertThat(warehouse.failingLoads(1)).hasSize(1);

        load(a);

        assertThat(warehouse.failingLoads(10)).extracting(e -> e.manifestKey()).containsExactly(b.key());
        // docs/operations.md, "A load that keeps failing"
        assertThat(query("SELECT manifest_key, error, attempts FROM _sliceflow_failing_loads"
                + " ORDER BY last_failed_at DESC")).containsExactly(List.of(b.key(), "part missing", 1L));
    }

    // ------------------------------------------------------------------ batches

    @Test
    void loadBatch_manySlices_loadsEveryRowOnceWithItsOwnManifestsMetadata() throws Exception {
        List<Fixture> fixtures = new ArrayList<>();
        for (int a = 0; a < 12; a++) {
            String account = String.format("1000000000%02d", a);
            fixtures.add(ManifestFixtures.manifest("sync-" + (a % 3), T1.plusSeconds(a % 3)).account(account)
                    .region(a % 2 == 0 ? "us-east-1" : "eu-west-2")
                    .table(ITEMS, items(a * 10L + 1, a * 10L + 2, a * 10L + 3), 2).build());
        }

        List<ManifestOutcome> outcomes = loadBatch(fixtures);

        assertThat(outcomes).allSatisfy(o -> assertThat(o).isInstanceOf(ManifestOutcome.Loaded.class));
        assertThat(count("items")).isEqualTo(36);
        for (int a = 0; a < 12; a++) {
            // every metadata value of every row is its own manifest's, whichever part and batch file it came in
            List<Object> metadata = List.of("sync-" + (a % 3), T1.plusSeconds(a % 3).getEpochSecond(),
                    fixtures.get(a).manifest().source(), String.format("1000000000%02d", a),
                    a % 2 == 0 ? "us-east-1" : "eu-west-2");
            List<List<Object>> expected = new ArrayList<>();
            for (long id = a * 10L + 1; id <= a * 10L + 3; id++) {
                List<Object> row = new ArrayList<>(List.of(id));
                row.addAll(metadata);
                expected.add(row);
            }
            assertThat(query("SELECT id, _sync_id, CAST(EXTRACT(EPOCH FROM _sync_time) AS BIGINT), _source, _account,"
                    + " _region FROM items WHERE id BETWEEN " + (a * 10 + 1) + " AND " + (a * 10 + 3) + " ORDER BY id"))
                    .containsExactlyElementsOf(expected);
        }
        assertThat(warehouse.ledger("sync-0")).hasSize(4).allSatisfy(e -> assertThat(e.rows()).isEqualTo(3));
    }

    @Test
    void loadBatch_whenAManifestIsPoisonedInTheMiddle_rejectsItAloneAndLoadsItsNeighbours() throws Exception {
        Fixture first = ManifestFixtures.manifest("sync-1", T1).account("100000000001").table(ITEMS, items(1, 2)).build();
        // a part whose bytes match its listing but hold a value the id column refuses
        byte[] bad = ManifestFixtures.csv(new TableSchema("items", List.of(Column.of("id", ColumnType.STRING),
                Column.of("name", ColumnType.STRING)), List.of()), List.of(row("not-a-number", "x")), Compression.GZIP);
        String badKey = dev.sliceflow.staging.ObjectLayout.partKey("items", LocalDate.of(2026, 1, 1), "sync-1",
                "100000000002", ManifestFixtures.REGION, "a1", 0, Compression.GZIP);
        Fixture poisoned = ManifestFixtures.manifest("sync-1", T1).account("100000000002").rawTable(ManifestTable.ok(
                ITEMS, List.of(new ManifestPart(badKey, 1, bad.length, ManifestFixtures.sha256(bad)))),
                Map.of(badKey, bad)).build();
        Fixture last = ManifestFixtures.manifest("sync-1", T1).account("100000000003").table(ITEMS, items(3)).build();
        load(ManifestFixtures.manifest("sync-0", T1.minusSeconds(60)).account("100000000002")
                .table(ITEMS, items(99)).build());

        List<ManifestOutcome> outcomes = loadBatch(List.of(first, poisoned, last));

        assertThat(outcomes.get(0)).isInstanceOf(ManifestOutcome.Loaded.class);
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains(poisoned.key()));
        assertThat(outcomes.get(2)).isInstanceOf(ManifestOutcome.Loaded.class);
        assertThat(ids("items")).containsExactly(1L, 2L, 3L, 99L);
        assertThat(warehouse.isLoaded(poisoned.key(), poisoned.sha256())).isFalse();
    }

    @Test
    void loadBatch_whenOneManifestChangesAColumnsType_rejectsItAloneNamingTheColumn() throws Exception {
        load(ManifestFixtures.manifest("sync-0", T1).account("100000000009").table(ITEMS, items(1)).build());
        TableSchema changed = new TableSchema("items", List.of(Column.required("id", ColumnType.STRING),
                Column.of("name", ColumnType.STRING)), List.of("id"));
        Fixture good = ManifestFixtures.manifest("sync-1", T2).account("100000000001").table(ITEMS, items(2)).build();
        Fixture bad = ManifestFixtures.manifest("sync-1", T2).account("100000000002")
                .table(changed, List.of(row("x", "y"))).build();

        List<ManifestOutcome> outcomes = loadBatch(List.of(bad, good));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains("column id").contains("incompatible"));
        assertThat(outcomes.get(1)).isInstanceOf(ManifestOutcome.Loaded.class);
        assertThat(ids("items")).containsExactly(1L, 2L);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void loadBatch_whenTwoManifestsOfOneSliceArrive_theNewerWinsAndTheOlderIsStale(boolean newerFirst)
            throws Exception {
        Fixture older = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build();
        Fixture newer = ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(3)).build();

        loadBatch(newerFirst ? List.of(newer, older) : List.of(older, newer));

        assertThat(ids("items")).containsExactly(3L);
        assertThat(warehouse.ledger("sync-1")).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LoadStatus.STALE));
        assertThat(warehouse.ledger("sync-2")).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LoadStatus.LOADED));
        load(ManifestFixtures.manifest("sync-3", T3).table(ITEMS, items(4)).build());
        assertThat(ids("items")).as("the state advanced to the newer sync, not past it").containsExactly(4L);
    }

    @Test
    void loadBatch_whenAManifestIsStale_neverReadsItsParts() throws Exception {
        load(ManifestFixtures.manifest("sync-2", T2).table(ITEMS, items(1)).build());
        Fixture stale = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(7, 8)).build();
        List<String> opened = new ArrayList<>();
        PartOpener counting = part -> {
            opened.add(part.key());
            return stale.opener().open(part);
        };

        List<ManifestOutcome> outcomes = warehouse.load(List.of(staged(stale)), counting);

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(ManifestOutcome.Loaded.class, l -> assertThat(
                l.result().tables()).extracting(LoadResult.TableLoad::status).containsExactly(LoadStatus.STALE));
        assertThat(opened).as("parts fetched for a stale manifest").isEmpty();
        assertThat(ids("items")).containsExactly(1L);
    }

    @Test
    void loadBatch_whenTheSameManifestComesTwice_loadsItOnce() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2)).build();

        List<ManifestOutcome> outcomes = loadBatch(List.of(f, f));

        assertThat(outcomes).extracting(o -> ((ManifestOutcome.Loaded) o).result().skipped())
                .containsExactly(false, true);
        assertThat(ids("items")).containsExactly(1L, 2L);
        assertThat(warehouse.ledger("sync-1")).hasSize(1);
    }

    @Test
    void loadBatch_whenAPartOfOneManifestIsMissing_retriesItAloneAndLoadsTheRest() throws Exception {
        Fixture missing = ManifestFixtures.manifest("sync-1", T1).account("100000000001").table(ITEMS, items(1)).build();
        Fixture fine = ManifestFixtures.manifest("sync-1", T1).account("100000000002").table(ITEMS, items(2)).build();
        PartOpener opener = part -> {
            if (missing.parts().containsKey(part.key())) {
                throw new IOException("NoSuchKey (injected): " + part.key());
            }
            return fine.opener().open(part);
        };

        List<ManifestOutcome> outcomes = warehouse.load(List.of(staged(missing), staged(fine)), opener);

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(ManifestOutcome.Retry.class,
                r -> assertThat(r.error().getMessage()).contains(missing.key()));
        assertThat(outcomes.get(1)).isInstanceOf(ManifestOutcome.Loaded.class);
        assertThat(ids("items")).containsExactly(2L);
    }

    @Test
    void loadBatch_whenManifestsOfOneTableDifferInColumns_loadsEachWithItsOwnColumns() throws Exception {
        TableSchema wider = new TableSchema("items", List.of(Column.required("id", ColumnType.LONG),
                Column.of("name", ColumnType.STRING), Column.of("size", ColumnType.LONG)), List.of("id"));
        Fixture narrow = ManifestFixtures.manifest("sync-1", T1).account("100000000001").table(ITEMS, items(1)).build();
        Fixture wide = ManifestFixtures.manifest("sync-1", T1).account("100000000002")
                .table(wider, List.of(row(2L, "two", 22L))).build();

        loadBatch(List.of(narrow, wide));

        assertThat(query("SELECT id, name, size FROM items ORDER BY id")).containsExactly(
                Arrays.asList(1L, "item-1", null), List.of(2L, "two", 22L));
    }

    protected List<ManifestOutcome> loadBatch(List<Fixture> fixtures) {
        Map<String, byte[]> parts = new HashMap<>();
        fixtures.forEach(f -> parts.putAll(f.parts()));
        return warehouse.load(fixtures.stream().map(WarehouseContract::staged).toList(),
                part -> new ByteArrayInputStream(parts.get(part.key())));
    }

    protected static StagedManifest staged(Fixture f) {
        return new StagedManifest(f.key(), f.sha256(), f.manifest());
    }

    // ------------------------------------------------------------------ helpers

    protected LoadResult load(Fixture f) {
        return warehouse.load(f.manifest(), f.key(), f.sha256(), f.opener());
    }

    protected static List<List<Object>> items(long... ids) {
        List<List<Object>> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(row(id, "item-" + id));
        }
        return rows;
    }

    /** Rows as lists of JDBC objects (integers widened to Long). */
    protected List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= width; i++) {
                    Object value = rs.getObject(i);
                    if (value instanceof Integer n) {
                        value = n.longValue();
                    } else if (value instanceof java.math.BigInteger n) {
                        value = n.longValueExact();
                    } else if (value instanceof BigDecimal n && n.scale() <= 0) {
                        value = n.longValueExact();
                    }
                    row.add(value);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    protected List<Long> ids(String table) throws SQLException {
        return query("SELECT id FROM " + table + " ORDER BY id").stream().map(r -> (Long) r.get(0)).toList();
    }

    protected long count(String table) throws SQLException {
        return ((Number) query("SELECT count(*) FROM " + table).get(0).get(0)).longValue();
    }

    protected List<Instant> syncTimes(String table) throws SQLException {
        List<Instant> times = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT _sync_time FROM " + table)) {
            while (rs.next()) {
                times.add(rs.getObject(1, OffsetDateTime.class).toInstant());
            }
        }
        return times;
    }

    protected boolean tableExists(String table) throws SQLException {
        try (Connection c = connect(); var ps = c.prepareStatement(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    /** Serves {@code ok} bytes, then fails: a network drop in the middle of a part. */
    protected static final class FailingInputStream extends FilterInputStream {
        private int remaining;

        public FailingInputStream(byte[] bytes, int okBytes) {
            super(new ByteArrayInputStream(bytes));
            this.remaining = okBytes;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                throw new IOException("connection reset (injected)");
            }
            int n = super.read(b, off, Math.min(len, remaining));
            remaining -= Math.max(n, 0);
            return n;
        }
    }
}

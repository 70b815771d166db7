package dev.sliceflow.warehouse;

import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.LoadResult;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.request.WriteMode;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PostgresWarehouseTest extends WarehouseContract {
    private String url;

    @Override
    protected Warehouse newWarehouse() {
        url = LocalPostgres.get().newDatabase();
        return anotherWarehouse();
    }

    @Override
    protected Warehouse anotherWarehouse() {
        return Warehouses.open(new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of("")));
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url, LocalPostgres.USER, "");
    }

    @Override
    protected java.util.OptionalInt maxColumns() {
        return java.util.OptionalInt.of(1600);
    }

    @Override
    protected boolean loseTheLoadersConnectionWhileItCopies() throws SQLException {
        return PostgresWarehouseTest.terminateCopyingLoader(this::connect);
    }

    /** pg_terminate_backend on the loader's session in a COPY: what a failover or a network cut does to it. */
    static boolean terminateCopyingLoader(Connector admin) throws SQLException {
        // parts are fetched ahead: the COPY may start a moment after the held part was first read
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        try (Connection c = admin.connect(); Statement st = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        + " WHERE application_name = 'sliceflow-loader' AND datname = current_database()"
                        + " AND query LIKE 'COPY%'")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return true;
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }

    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    @Test
    void provider_whenUrlIsPostgres_opensPostgresWarehouse() {
        assertThat(((SqlWarehouse) warehouse).dialect()).isInstanceOf(PostgresDialect.class);
    }

    @Test
    void load_whenAValueIsNotOfItsColumnsType_rejectsTheManifestNamingThePartRowAndColumn() throws Exception {
        // the loader converts values for the binary COPY: it, not the server, finds the bad one, and says where
        byte[] bad = ManifestFixtures.csv(new dev.sliceflow.schema.TableSchema("items", List.of(
                dev.sliceflow.schema.Column.of("id", dev.sliceflow.schema.ColumnType.STRING),
                dev.sliceflow.schema.Column.of("name", dev.sliceflow.schema.ColumnType.STRING)), List.of()),
                List.of(ManifestFixtures.row("7", "a"), ManifestFixtures.row("7x", "b")),
                dev.sliceflow.request.Compression.GZIP);
        String badKey = dev.sliceflow.staging.ObjectLayout.partKey("items", java.time.LocalDate.of(2026, 1, 1),
                "sync-1", "100000000002", ManifestFixtures.REGION, "a1", 0, dev.sliceflow.request.Compression.GZIP);
        Fixture poisoned = ManifestFixtures.manifest("sync-1", T1).account("100000000002").rawTable(
                dev.sliceflow.manifest.ManifestTable.ok(ITEMS, List.of(new dev.sliceflow.manifest.ManifestPart(badKey,
                        2, bad.length, ManifestFixtures.sha256(bad)))), Map.of(badKey, bad)).build();

        List<dev.sliceflow.destination.ManifestOutcome> outcomes = loadBatch(List.of(poisoned));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(dev.sliceflow.destination.ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains(poisoned.key()).contains("part " + badKey + " row 2"
                        + " column id: '7x' is not a LONG"));
        assertThat(tableExists("items") ? count("items") : 0).isZero();
    }

    @Test
    void load_whenATextHoldsU0000_rejectsTheManifest() throws Exception {
        // valid UTF-8, which PostgreSQL's text cannot hold: the server refuses it in the binary COPY too
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, List.of(ManifestFixtures.row(1L, "a\u0000b")))
                .build();

        List<dev.sliceflow.destination.ManifestOutcome> outcomes = loadBatch(List.of(f));

        assertThat(outcomes.get(0)).isInstanceOfSatisfying(dev.sliceflow.destination.ManifestOutcome.Rejected.class,
                r -> assertThat(r.error().getMessage()).contains("0x00"));
        assertThat(tableExists("items") ? count("items") : 0).isZero();
    }

    @Test
    void copySql_isOneBinaryCopyOfTheColumnsAndTheMetadata() {
        assertThat(PostgresDialect.copySql(ITEMS)).isEqualTo("COPY \"items\" (\"id\", \"name\", \"_sync_id\","
                + " \"_sync_time\", \"_source\", \"_account\", \"_region\") FROM STDIN WITH (FORMAT binary)");
    }

    @Test
    void load_whenTheBackendIsKilledMidCopy_rollsBackAndTheRetryLoadsOnce() throws Exception {
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 0; i < 50_000; i++) {
            rows.add(ManifestFixtures.row(i, "row " + i));
        }
        Fixture f = ManifestFixtures.manifest("sync-1", T1).writeMode(WriteMode.APPEND).table(ITEMS, rows, 10_000).build();
        String held = f.manifest().tables().get(0).parts().get(2).key();
        CountDownLatch copying = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PartOpener slow = part -> {
            InputStream in = f.opener().open(part);
            if (!part.key().equals(held)) {
                return in;
            }
            return new FilterInputStream(in) {
                private boolean first = true;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (!first) {
                        copying.countDown();
                        try {
                            release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                    first = false;
                    return super.read(b, off, Math.min(len, 1024));
                }
            };
        };

        CompletableFuture<LoadResult> crashed = CompletableFuture.supplyAsync(
                () -> warehouse.load(f.manifest(), f.key(), f.sha256(), slow));
        assertThat(copying.await(60, TimeUnit.SECONDS)).isTrue();
        try (Connection admin = connect(); Statement st = admin.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                     + " WHERE application_name = 'sliceflow-loader' AND datname = current_database()"
                     + " AND query LIKE 'COPY%'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBoolean(1)).isTrue();
        }
        release.countDown();

        assertThatThrownBy(() -> crashed.get(60, TimeUnit.SECONDS))
                .hasCauseInstanceOf(TransientLoadException.class);
        assertThat(tableExists("items")).isFalse();

        LoadResult retry = load(f);
        LoadResult duplicate = load(f);

        assertThat(retry.skipped()).isFalse();
        assertThat(duplicate.skipped()).isTrue();
        assertThat(count("items")).isEqualTo(50_000);
        assertThat(query("SELECT count(DISTINCT id) FROM items")).containsExactly(List.of(50_000L));
    }

    @Test
    void load_whenAnotherSessionHoldsTheClaim_failsTransientlyAfterTheLockTimeoutThenLoads() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, List.of(ManifestFixtures.row(1L, "a"))).build();
        load(ManifestFixtures.manifest("sync-0", T1).table(ITEMS, List.of()).build());
        try (Warehouse impatient = PostgresWarehouse.open(new WarehouseConfig(url, Optional.of(LocalPostgres.USER),
                Optional.of("")), () -> null, java.time.Duration.ofMillis(500));
             Connection stuck = connect()) {
            // a loader that died mid-transaction: its claim of this manifest is not committed
            stuck.setAutoCommit(false);
            try (var ps = stuck.prepareStatement("INSERT INTO " + Sql.MANIFESTS + " VALUES (?, ?, 's',"
                    + " now(), 'x', 'a', 'r', 0, true, 'replace', 0, 0, now())")) {
                ps.setString(1, f.key());
                ps.setString(2, f.sha256());
                ps.executeUpdate();
            }

            assertThatThrownBy(() -> impatient.load(f.manifest(), f.key(), f.sha256(), f.opener()))
                    .isInstanceOf(TransientLoadException.class)
                    .hasMessageContaining("lock");

            stuck.rollback();
            assertThat(impatient.load(f.manifest(), f.key(), f.sha256(), f.opener()).skipped()).isFalse();
        }
        assertThat(ids("items")).containsExactly(1L);
    }

    @Test
    void load_whenTheCredentialsWereRotated_readsThemAgainOnceAndLoads() throws Exception {
        Fixture f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, List.of(ManifestFixtures.row(1L, "a"))).build();
        java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();
        WarehouseConfig stale = new WarehouseConfig(url, Optional.of("rotated_away"), Optional.of("0ld-s3cret"));
        WarehouseConfig current = new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of(""));

        try (Warehouse rotating = PostgresWarehouse.open(stale, () -> {
            refreshes.incrementAndGet();
            return current;
        }, java.time.Duration.ofSeconds(5))) {
            assertThat(rotating.load(f.manifest(), f.key(), f.sha256(), f.opener()).skipped()).isFalse();
        }
        assertThat(refreshes).hasValue(1);

        try (Warehouse hopeless = PostgresWarehouse.open(stale, () -> stale, java.time.Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> hopeless.isLoaded(f.key(), f.sha256()))
                    .isInstanceOf(TransientLoadException.class)
                    .hasMessageContaining("rotated_away")
                    .hasMessageNotContaining("0ld-s3cret");
        }
    }

    @Test
    void load_createsTheSliceIndexAndMapsEveryType() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(EVERY_TYPE, List.of()).build());

        assertThat(query("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                + " WHERE a.attrelid = 'every_type'::regclass AND a.attnum > 0 ORDER BY a.attnum"))
                .containsExactly(List.of("id", "bigint"), List.of("s", "text"), List.of("l", "bigint"),
                        List.of("d", "double precision"), List.of("n", "numeric(38,9)"), List.of("b", "boolean"),
                        List.of("ts", "timestamp with time zone"), List.of("dt", "date"), List.of("j", "json"),
                        List.of("_sync_id", "text"), List.of("_sync_time", "timestamp with time zone"),
                        List.of("_source", "text"), List.of("_account", "text"), List.of("_region", "text"));
        assertThat(query("SELECT count(*) FROM pg_indexes WHERE tablename = 'every_type'")).containsExactly(List.of(1L));
        // the slice key compares bytes, whatever the database's locale (the index COPY maintains per row)
        assertThat(query("SELECT a.attname, l.collname FROM pg_attribute a"
                + " JOIN pg_collation l ON l.oid = a.attcollation WHERE a.attrelid = 'every_type'::regclass"
                + " AND a.attname LIKE '\\_%' ORDER BY a.attnum"))
                .containsExactly(List.of("_sync_id", "C"), List.of("_source", "C"), List.of("_account", "C"),
                        List.of("_region", "C"));
    }

    @Test
    void loadBatch_whenTheBatchCreatesTheTable_buildsTheSliceIndexOverEveryRowItLoaded() throws Exception {
        // the index is built after the table's first COPY; a poisoned neighbour makes the batch's first try roll back
        byte[] bad = ManifestFixtures.csv(new dev.sliceflow.schema.TableSchema("items", List.of(
                dev.sliceflow.schema.Column.of("id", dev.sliceflow.schema.ColumnType.STRING),
                dev.sliceflow.schema.Column.of("name", dev.sliceflow.schema.ColumnType.STRING)), List.of()),
                List.of(ManifestFixtures.row("x", "b")), dev.sliceflow.request.Compression.GZIP);
        String badKey = dev.sliceflow.staging.ObjectLayout.partKey("items", java.time.LocalDate.of(2026, 1, 1),
                "sync-1", "100000000002", ManifestFixtures.REGION, "a1", 0, dev.sliceflow.request.Compression.GZIP);
        Fixture poisoned = ManifestFixtures.manifest("sync-1", T1).account("100000000002").rawTable(
                dev.sliceflow.manifest.ManifestTable.ok(ITEMS, List.of(new dev.sliceflow.manifest.ManifestPart(badKey,
                        1, bad.length, ManifestFixtures.sha256(bad)))), Map.of(badKey, bad)).build();
        Fixture first = ManifestFixtures.manifest("sync-1", T1).account("100000000001")
                .table(ITEMS, items(1, 2, 3)).build();
        Fixture last = ManifestFixtures.manifest("sync-1", T1).account("100000000003").table(ITEMS, items(4)).build();

        List<dev.sliceflow.destination.ManifestOutcome> outcomes = loadBatch(List.of(first, poisoned, last));

        assertThat(outcomes).extracting(o -> o.getClass().getSimpleName())
                .containsExactly("Loaded", "Rejected", "Loaded");
        assertThat(query("SELECT i.indisvalid, pg_get_indexdef(i.indexrelid) LIKE '%(_account, _region, _source,"
                + " _sync_id)' FROM pg_index i WHERE i.indrelid = 'items'::regclass"))
                .containsExactly(List.of(true, true));
        List<List<Object>> perAccount = new ArrayList<>();
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            st.execute("SET enable_bitmapscan = off");
            try (ResultSet plan = st.executeQuery("EXPLAIN SELECT _account, count(*) FROM items GROUP BY _account")) {
                StringBuilder text = new StringBuilder();
                while (plan.next()) {
                    text.append(plan.getString(1)).append('\n');
                }
                assertThat(text.toString()).contains("Index Only Scan");
            }
            try (ResultSet rs = st.executeQuery("SELECT _account, count(*) FROM items GROUP BY _account ORDER BY 1")) {
                while (rs.next()) {
                    perAccount.add(List.of(rs.getString(1), rs.getLong(2)));
                }
            }
        }
        assertThat(perAccount).containsExactly(List.of("100000000001", 3L), List.of("100000000003", 1L));
    }

    @Test
    void load_theReplaceDeleteOfDocsLoadingMd_findsTheSliceThroughTheIndex() throws Exception {
        load(ManifestFixtures.manifest("sync-1", T1).table(EVERY_TYPE, List.of()).build());

        List<List<Object>> plan;
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("SET enable_seqscan = off");
            List<List<Object>> rows = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("EXPLAIN DELETE FROM \"every_type\" t USING"
                    + " unnest(ARRAY['aws']::text[], ARRAY['100000000001']::text[], ARRAY['us-east-1']::text[])"
                    + " AS v (k0, k1, k2) WHERE t.\"_source\" = v.k0 AND t.\"_account\" = v.k1"
                    + " AND t.\"_region\" = v.k2")) {
                while (rs.next()) {
                    rows.add(List.of(rs.getString(1)));
                }
            }
            plan = rows;
        }
        assertThat(plan.toString()).contains("Index").contains("every_type_");
    }

    @Test
    void loadBatch_twoLoadersWithOverlappingBatchesInOppositeOrders_loadEachManifestOnceWithoutDeadlock()
            throws Exception {
        List<dev.sliceflow.testing.ManifestFixtures.Fixture> fixtures = new java.util.ArrayList<>();
        for (int a = 0; a < 10; a++) {
            fixtures.add(dev.sliceflow.testing.ManifestFixtures.manifest("sync-1", T1)
                    .account(String.format("2000000000%02d", a))
                    .table(ITEMS, items(a * 100L + 1, a * 100L + 2)).build());
        }
        List<dev.sliceflow.testing.ManifestFixtures.Fixture> reversed = new java.util.ArrayList<>(fixtures);
        java.util.Collections.reverse(reversed);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (Warehouse other = anotherWarehouse()) {
            var a = pool.submit(() -> {
                start.await();
                return loadBatch(fixtures);
            });
            var b = pool.submit(() -> {
                start.await();
                Map<String, byte[]> parts = new java.util.HashMap<>();
                reversed.forEach(f -> parts.putAll(f.parts()));
                return other.load(reversed.stream().map(WarehouseContract::staged).toList(),
                        part -> new java.io.ByteArrayInputStream(parts.get(part.key())));
            });
            start.countDown();
            var outcomes = new java.util.ArrayList<dev.sliceflow.destination.ManifestOutcome>(a.get(120,
                    java.util.concurrent.TimeUnit.SECONDS));
            outcomes.addAll(b.get(120, java.util.concurrent.TimeUnit.SECONDS));
            assertThat(outcomes).allSatisfy(o -> assertThat(o)
                    .isInstanceOf(dev.sliceflow.destination.ManifestOutcome.Loaded.class));
            assertThat(outcomes).filteredOn(o -> !((dev.sliceflow.destination.ManifestOutcome.Loaded) o).result()
                    .skipped()).hasSize(10);
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("items")).isEqualTo(20);
        assertThat(warehouse.ledger("sync-1")).hasSize(10);
    }
}

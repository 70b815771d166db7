package dev.sliceflow.lake;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Loaders committing to one table at once: each commit is validated from the state it read, so none is lost. */
class ConcurrentLoadersTest {
    static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));

    @Test
    void load_fourLoadersOnOneTable_keepEveryBatchAndReplaceEachSliceOnce() throws Exception {
        TestLake lake = new TestLake();
        int loaders = 4;
        int rounds = 3;
        List<IcebergWarehouse> warehouses = new ArrayList<>();
        for (int i = 0; i < loaders; i++) {
            warehouses.add(lake.open());
        }
        ExecutorService pool = Executors.newFixedThreadPool(loaders);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int l = 0; l < loaders; l++) {
                int loader = l;
                futures.add(pool.submit(() -> {
                    start.await();
                    int retries = 0;
                    for (int round = 0; round < rounds; round++) {
                        // each loader owns two accounts; every round is a newer sync replacing them
                        List<Fixture> batch = new ArrayList<>();
                        for (int a = 0; a < 2; a++) {
                            String account = String.format("2000000000%d%d", loader, a);
                            long base = loader * 1000L + a * 100L;
                            batch.add(ManifestFixtures.manifest("sync-" + round,
                                            Instant.parse("2026-01-01T00:00:00Z").plusSeconds(round)).account(account)
                                    .table(ITEMS, List.of(row(base + round, "r" + round), row(base + 50, "fixed")))
                                    .build());
                        }
                        while (true) {
                            List<ManifestOutcome> outcomes = load(warehouses.get(loader), batch);
                            if (outcomes.stream().allMatch(o -> o instanceof ManifestOutcome.Loaded)) {
                                break;
                            }
                            retries++; // as SQS would redeliver
                        }
                    }
                    return retries;
                }));
            }
            start.countDown();
            for (Future<Integer> f : futures) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            warehouses.forEach(IcebergWarehouse::close);
        }
        List<Long> ids = new ArrayList<>();
        try (Connection c = lake.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM items ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        List<Long> expected = new ArrayList<>();
        for (int l = 0; l < loaders; l++) {
            for (int a = 0; a < 2; a++) {
                long base = l * 1000L + a * 100L;
                expected.add(base + rounds - 1);
                expected.add(base + 50);
            }
        }
        expected.sort(Long::compare);
        assertThat(ids).as("the last round of every slice, once").containsExactlyElementsOf(expected);
    }

    static List<ManifestOutcome> load(IcebergWarehouse warehouse, List<Fixture> fixtures) {
        Map<String, byte[]> parts = new HashMap<>();
        fixtures.forEach(f -> parts.putAll(f.parts()));
        List<StagedManifest> staged = fixtures.stream().map(f -> new StagedManifest(f.key(), f.sha256(), f.manifest()))
                .toList();
        return warehouse.load(staged, part -> new ByteArrayInputStream(parts.get(part.key())));
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The lake loader's speed beside its limit (issue 11): the same rows loaded into the lake (s3proxy, SQLite catalog)
 * and converted from CSV to Parquet by DuckDB's own COPY on the same machine. Not part of the build:
 * {@code ./mvnw -pl lake test -Dtest=LakeLoadBenchmark -Dsliceflow.bench=true}.
 */
@EnabledIfSystemProperty(named = "sliceflow.bench", matches = "true")
class LakeLoadBenchmark {
    static final TableSchema WIDE = new TableSchema("bench_rows", List.of(Column.required("id", ColumnType.LONG),
            Column.of("name", ColumnType.STRING), Column.of("value", ColumnType.DOUBLE),
            Column.of("amount", ColumnType.DECIMAL), Column.of("flag", ColumnType.BOOLEAN),
            Column.of("ts", ColumnType.TIMESTAMP), Column.of("day", ColumnType.DATE), Column.of("doc", ColumnType.JSON),
            Column.of("arn", ColumnType.STRING), Column.of("state", ColumnType.STRING)), List.of("id"));

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static List<List<Object>> rows(long from, int count) {
        List<List<Object>> data = new ArrayList<>(count);
        for (long i = from; i < from + count; i++) {
            data.add(List.of(i, "resource-" + i, i * 0.5, new BigDecimal(i).movePointLeft(3), i % 2 == 0,
                    T0.plusSeconds(i), LocalDate.of(2026, 1, 1).plusDays(i % 365), "{\"k\":" + i + ",\"tags\":[\"a\"]}",
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-" + Long.toHexString(i), i % 3 == 0 ? "running" : "stopped"));
        }
        return data;
    }

    @Test
    void oneMillionRows() throws Exception {
        int rows = Integer.getInteger("sliceflow.bench.rows", 1_000_000);
        Fixture f = ManifestFixtures.manifest("bench-1", T0).compression(Compression.GZIP)
                .table(WIDE, rows(0, rows), 250_000).build();
        TestLake lake = new TestLake();
        long lakeNanos;
        try (IcebergWarehouse warehouse = lake.open()) {
            long start = System.nanoTime();
            warehouse.load(List.of(new StagedManifest(f.key(), f.sha256(), f.manifest())), f.opener());
            lakeNanos = System.nanoTime() - start;
        }
        report("loader-iceberg", rows, lakeNanos, duckDbLimit(lake, f.parts()), "");
    }

    /**
     * 1,000 manifests x 3 tables x 300 rows, in the loader's batches of 100 manifests (one commit per table per
     * batch), beside DuckDB converting the same rows as one CSV file per table.
     */
    @Test
    void oneThousandSmallManifests() throws Exception {
        int manifests = Integer.getInteger("sliceflow.bench.manifests", 1_000);
        int batch = 100;
        List<TableSchema> tables = List.of("bench_a", "bench_b", "bench_c").stream()
                .map(name -> new TableSchema(name, WIDE.columns(), WIDE.primaryKey())).toList();
        List<Fixture> fixtures = new ArrayList<>();
        Map<String, byte[]> parts = new java.util.HashMap<>();
        for (int m = 0; m < manifests; m++) {
            var builder = ManifestFixtures.manifest("bench-small", T0).account(String.format("%012d", m))
                    .compression(Compression.GZIP);
            for (TableSchema table : tables) {
                builder.table(table, rows(m * 300L, 300));
            }
            Fixture f = builder.build();
            fixtures.add(f);
            parts.putAll(f.parts());
        }
        TestLake lake = new TestLake();
        long lakeNanos;
        try (IcebergWarehouse warehouse = lake.open()) {
            long start = System.nanoTime();
            for (int i = 0; i < fixtures.size(); i += batch) {
                warehouse.load(fixtures.subList(i, Math.min(fixtures.size(), i + batch)).stream()
                        .map(f -> new StagedManifest(f.key(), f.sha256(), f.manifest())).toList(),
                        part -> new ByteArrayInputStream(parts.get(part.key())));
            }
            lakeNanos = System.nanoTime() - start;
        }
        long rows = manifests * 300L * tables.size();
        var catalog = lake.catalog();
        for (TableSchema table : tables) {
            List<Long> sizes = new ArrayList<>();
            try (var tasks = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of(lake.namespace(),
                    table.name())).newScan().planFiles()) {
                tasks.forEach(t -> sizes.add(t.file().fileSizeInBytes()));
            }
            java.util.Collections.sort(sizes);
            System.out.printf("lake-files: table %s, %d manifests: %d data files, median %.1f MB%n", table.name(),
                    manifests, sizes.size(), sizes.get(sizes.size() / 2) / 1e6);
        }
        report("loader-iceberg-small", rows, lakeNanos, duckDbLimit(lake, parts),
                ", " + manifests + " manifests x " + tables.size() + " tables x 300 rows in batches of " + batch);
    }

    private static void report(String name, long rows, long lakeNanos, long duckNanos, String shape) {
        double lakeRate = rows / (lakeNanos / 1e9);
        double duckRate = rows / (duckNanos / 1e9);
        System.out.printf("%s: %.0f rows/s, duckdb-parquet %.0f rows/s, ratio %.2f (%d rows, lake %.2f s,"
                + " duckdb %.2f s%s)%n", name, lakeRate, duckRate, lakeRate / duckRate, rows, lakeNanos / 1e9,
                duckNanos / 1e9, shape);
    }

    /**
     * The limit: DuckDB's own CSV -> Parquet conversion of the same rows, decompressed first into one file per
     * table, with both cores.
     */
    private static long duckDbLimit(TestLake lake, Map<String, byte[]> partsByKey) throws Exception {
        Path dir = Files.createTempDirectory(lake.dir, "duck");
        Map<String, List<byte[]>> byTable = new java.util.TreeMap<>();
        partsByKey.forEach((key, bytes) -> byTable.computeIfAbsent(key.split("/", 3)[1], t -> new ArrayList<>())
                .add(bytes));
        long total = 0;
        for (Map.Entry<String, List<byte[]>> table : byTable.entrySet()) {
            total += duckDbTable(dir.resolve(table.getKey()), table.getValue());
        }
        return total;
    }

    private static long duckDbTable(Path dir, List<byte[]> gzParts) throws Exception {
        Files.createDirectories(dir);
        // a table's parts become one file (header once): DuckDB's best case
        Path one = dir.resolve("all.csv");
        try (var out = Files.newOutputStream(one)) {
            boolean first = true;
            for (byte[] gz : gzParts) {
                byte[] csv;
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                    csv = in.readAllBytes();
                }
                int body = first ? 0 : indexOfNewline(csv) + 1;
                out.write(csv, body, csv.length - body);
                first = false;
            }
        }
        long duckNanos;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = 2");
            long start = System.nanoTime();
            st.execute("COPY (SELECT * FROM read_csv('" + one + "', header = true,"
                    + " columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'value': 'DOUBLE', 'amount': 'DECIMAL(38,9)',"
                    + " 'flag': 'BOOLEAN', 'ts': 'TIMESTAMPTZ', 'day': 'DATE', 'doc': 'VARCHAR', 'arn': 'VARCHAR',"
                    + " 'state': 'VARCHAR'}, quote = '\"', escape = '\"', allow_quoted_nulls = false,"
                    + " auto_detect = false)) TO '" + dir.resolve("out.parquet") + "' (FORMAT parquet,"
                    + " COMPRESSION zstd)");
            duckNanos = System.nanoTime() - start;
        }
        return duckNanos;
    }

    private static int indexOfNewline(byte[] csv) {
        for (int i = 0; i < csv.length; i++) {
            if (csv[i] == '\n') {
                return i;
            }
        }
        return csv.length - 1;
    }
}

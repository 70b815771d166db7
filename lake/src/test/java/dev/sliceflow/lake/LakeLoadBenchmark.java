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

    @Test
    void oneMillionRows() throws Exception {
        int rows = Integer.getInteger("sliceflow.bench.rows", 1_000_000);
        List<List<Object>> data = new ArrayList<>(rows);
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (long i = 0; i < rows; i++) {
            data.add(List.of(i, "resource-" + i, i * 0.5, new BigDecimal(i).movePointLeft(3), i % 2 == 0,
                    t0.plusSeconds(i), LocalDate.of(2026, 1, 1).plusDays(i % 365), "{\"k\":" + i + ",\"tags\":[\"a\"]}",
                    "arn:aws:ec2:us-east-1:123456789012:instance/i-" + Long.toHexString(i), i % 3 == 0 ? "running" : "stopped"));
        }
        Fixture f = ManifestFixtures.manifest("bench-1", t0).compression(Compression.GZIP).table(WIDE, data, 250_000).build();
        data.clear();
        TestLake lake = new TestLake();
        long lakeNanos;
        try (IcebergWarehouse warehouse = lake.open()) {
            long start = System.nanoTime();
            warehouse.load(List.of(new StagedManifest(f.key(), f.sha256(), f.manifest())), f.opener());
            lakeNanos = System.nanoTime() - start;
        }
        // the limit: DuckDB's own CSV -> Parquet conversion of the same parts (decompressed to files first)
        Path dir = Files.createTempDirectory(lake.dir, "duck");
        List<String> csvs = new ArrayList<>();
        for (Map.Entry<String, byte[]> part : f.parts().entrySet()) {
            Path csv = dir.resolve("part-" + csvs.size() + ".csv");
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(part.getValue()))) {
                Files.copy(in, csv);
            }
            csvs.add("'" + csv + "'");
        }
        long duckNanos;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = 2");
            long start = System.nanoTime();
            st.execute("COPY (SELECT * FROM read_csv([" + String.join(", ", csvs) + "], header = true,"
                    + " columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'value': 'DOUBLE', 'amount': 'DECIMAL(38,9)',"
                    + " 'flag': 'BOOLEAN', 'ts': 'TIMESTAMPTZ', 'day': 'DATE', 'doc': 'VARCHAR', 'arn': 'VARCHAR',"
                    + " 'state': 'VARCHAR'}, quote = '\"', escape = '\"', allow_quoted_nulls = false,"
                    + " auto_detect = false)) TO '" + dir.resolve("out.parquet") + "' (FORMAT parquet,"
                    + " COMPRESSION zstd)");
            duckNanos = System.nanoTime() - start;
        }
        double lakeRate = rows / (lakeNanos / 1e9);
        double duckRate = rows / (duckNanos / 1e9);
        System.out.printf("loader-iceberg: %.0f rows/s, duckdb-parquet %.0f rows/s, ratio %.2f (%d rows, lake %.2f s,"
                + " duckdb %.2f s)%n", lakeRate, duckRate, lakeRate / duckRate, rows, lakeNanos / 1e9, duckNanos / 1e9);
    }
}

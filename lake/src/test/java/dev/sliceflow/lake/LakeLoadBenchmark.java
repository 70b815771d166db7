package dev.sliceflow.lake;

import dev.sliceflow.destination.PartOpener;
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

    /** Timed rounds of the load and of its limit ({@code sliceflow.bench.rounds}): the figures are their medians. */
    private static final int ROUNDS = Integer.getInteger("sliceflow.bench.rounds", 3);

    /**
     * One manifest of 1M rows in 4 parts, one batch: the slice's first sync into a new lake, then (timed for the
     * ratio) its next syncs, each replacing the one before: the loader's steady state, its table and ledger there,
     * its JIT warm.
     */
    @Test
    void oneMillionRows() throws Exception {
        int rows = Integer.getInteger("sliceflow.bench.rows", 1_000_000);
        List<List<Object>> data = rows(0, rows);
        List<Fixture> syncs = new ArrayList<>();
        for (int i = 0; i <= ROUNDS; i++) {
            syncs.add(million(data, "bench-" + i, T0.plusSeconds(3600L * i)));
        }
        data = null;
        TestLake lake = new TestLake();
        long coldNanos;
        List<Long> lakeNanos = new ArrayList<>();
        try (IcebergWarehouse warehouse = lake.open()) {
            coldNanos = timed("million-first", () -> load(warehouse, syncs.subList(0, 1), syncs.get(0).opener()));
            for (Fixture f : syncs.subList(1, syncs.size())) {
                lakeNanos.add(timed("million", () -> load(warehouse, List.of(f), f.opener())));
            }
        }
        filesPerTable(lake, List.of(WIDE.name()), "after " + syncs.size() + " syncs of 1 manifest");
        report("loader-iceberg", rows, lakeNanos, duckDbLimit(lake, syncs.get(1).parts()),
                String.format(", a replace; the first sync into a new lake took %.2f s", coldNanos / 1e9));
    }

    private static Fixture million(List<List<Object>> data, String syncId, Instant syncTime) {
        return ManifestFixtures.manifest(syncId, syncTime).compression(Compression.GZIP).table(WIDE, data, 250_000)
                .build();
    }

    /**
     * A sync of 1,000 manifests x 3 tables x 300 rows into a new lake, then (timed for the ratio) the next syncs of
     * the same slices, each replacing the one before, in the loader's batches ({@code sliceflow.bench.batch}; one
     * commit per table per batch), beside DuckDB converting the same rows.
     */
    @Test
    void oneThousandSmallManifests() throws Exception {
        int manifests = Integer.getInteger("sliceflow.bench.manifests", 1_000);
        // the lake loader's batch in the stack and in local mode (StackSettings, LocalRuntime)
        int batch = Integer.getInteger("sliceflow.bench.batch", 1_000);
        List<TableSchema> tables = List.of("bench_a", "bench_b", "bench_c").stream()
                .map(name -> new TableSchema(name, WIDE.columns(), WIDE.primaryKey())).toList();
        Map<String, byte[]> parts = new java.util.HashMap<>();
        List<List<Fixture>> syncs = new ArrayList<>();
        Map<String, byte[]> timedParts = new java.util.HashMap<>();
        for (int i = 0; i <= ROUNDS; i++) {
            syncs.add(smallSync("bench-small-" + i, T0.plusSeconds(3600L * i), manifests, tables,
                    i == 1 ? timedParts : parts));
        }
        parts.putAll(timedParts);
        TestLake lake = new TestLake();
        long coldNanos;
        List<Long> lakeNanos = new ArrayList<>();
        PartOpener opener = part -> new ByteArrayInputStream(parts.get(part.key()));
        try (IcebergWarehouse warehouse = lake.open()) {
            coldNanos = timed("small-first", () -> loadInBatches(warehouse, syncs.get(0), batch, opener));
            for (List<Fixture> sync : syncs.subList(1, syncs.size())) {
                lakeNanos.add(timed("small", () -> loadInBatches(warehouse, sync, batch, opener)));
            }
        }
        long rows = manifests * 300L * tables.size();
        filesPerTable(lake, tables.stream().map(TableSchema::name).toList(), "after " + syncs.size() + " syncs of "
                + manifests + " manifests in batches of " + batch);
        report("loader-iceberg-small", rows, lakeNanos, duckDbLimit(lake, timedParts),
                ", " + manifests + " manifests x " + tables.size() + " tables x 300 rows in batches of " + batch
                        + ", a replace; the first sync into a new lake took " + String.format("%.2f s",
                        coldNanos / 1e9));
    }

    private static List<Fixture> smallSync(String syncId, Instant syncTime, int manifests, List<TableSchema> tables,
                                           Map<String, byte[]> parts) {
        List<Fixture> fixtures = new ArrayList<>();
        for (int m = 0; m < manifests; m++) {
            var builder = ManifestFixtures.manifest(syncId, syncTime).account(String.format("%012d", m))
                    .compression(Compression.GZIP);
            for (TableSchema table : tables) {
                builder.table(table, rows(m * 300L, 300));
            }
            Fixture f = builder.build();
            fixtures.add(f);
            parts.putAll(f.parts());
        }
        return fixtures;
    }

    private static void loadInBatches(IcebergWarehouse warehouse, List<Fixture> fixtures, int batch,
                                      PartOpener opener) throws Exception {
        for (int i = 0; i < fixtures.size(); i += batch) {
            load(warehouse, fixtures.subList(i, Math.min(fixtures.size(), i + batch)), opener);
        }
    }

    /** The live data files of each table (what a reader opens) and their median size. */
    private static void filesPerTable(TestLake lake, List<String> tables, String when) throws Exception {
        var catalog = lake.catalog();
        for (String table : tables) {
            List<Long> sizes = new ArrayList<>();
            int deletes = 0;
            try (var tasks = catalog.loadTable(org.apache.iceberg.catalog.TableIdentifier.of(lake.namespace(),
                    table)).newScan().planFiles()) {
                for (var t : tasks) {
                    sizes.add(t.file().fileSizeInBytes());
                    deletes += t.deletes().size();
                }
            }
            java.util.Collections.sort(sizes);
            System.out.printf("lake-files: table %s %s: %d data files, median %.1f MB, %d delete files applied%n",
                    table, when, sizes.size(), sizes.get(sizes.size() / 2) / 1e6, deletes);
        }
        if (catalog instanceof AutoCloseable c) {
            c.close();
        }
    }

    private interface Timed {
        void run() throws Exception;
    }

    /** Times work; with {@code -Dsliceflow.bench.jfr=DIR} also records it with JFR's profile settings. */
    private static long timed(String label, Timed work) throws Exception {
        String jfrDir = System.getProperty("sliceflow.bench.jfr");
        try (jdk.jfr.Recording recording = jfrDir == null ? null
                : new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"))) {
            if (recording != null) {
                recording.start();
            }
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            long cpu = os.getProcessCpuTime();
            long start = System.nanoTime();
            work.run();
            long nanos = System.nanoTime() - start;
            System.out.printf("%s: wall %.2f s, process cpu %.2f s (%d cores)%n", label, nanos / 1e9,
                    (os.getProcessCpuTime() - cpu) / 1e9, Runtime.getRuntime().availableProcessors());
            if (recording != null) {
                recording.stop();
                recording.dump(Path.of(jfrDir, label + ".jfr"));
            }
            return nanos;
        }
    }

    private static void load(IcebergWarehouse warehouse, List<Fixture> batch, PartOpener opener) throws Exception {
        var outcomes = warehouse.load(batch.stream()
                .map(f -> new StagedManifest(f.key(), f.sha256(), f.manifest())).toList(), opener);
        if (outcomes.stream().anyMatch(o -> !(o instanceof dev.sliceflow.destination.ManifestOutcome.Loaded))) {
            throw new AssertionError("not every manifest loaded: " + outcomes);
        }
    }

    /** The limit's two forms, each DuckDB's COPY with both cores (nanoseconds). */
    private record Limit(long staged, long decompressed) {
    }

    private static void report(String name, long rows, List<Long> lakeRuns, List<Limit> limits, String shape) {
        long lakeNanos = median(lakeRuns);
        long staged = median(limits.stream().map(Limit::staged).toList());
        long decompressed = median(limits.stream().map(Limit::decompressed).toList());
        double lakeRate = rows / (lakeNanos / 1e9);
        double duckRate = rows / (staged / 1e9);
        double bestRate = rows / (decompressed / 1e9);
        System.out.printf("%s: %.0f rows/s, duckdb-parquet %.0f rows/s, ratio %.2f (%d rows; medians of %d: lake %.2f s"
                + " %s, duckdb %.2f s %s from the gzip CSV; from CSV decompressed beforehand %.0f rows/s, ratio"
                + " %.2f%s)%n", name, lakeRate, duckRate, lakeRate / duckRate, rows, lakeRuns.size(), lakeNanos / 1e9,
                seconds(lakeRuns), staged / 1e9, seconds(limits.stream().map(Limit::staged).toList()), bestRate,
                lakeRate / bestRate, shape);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String seconds(List<Long> nanos) {
        return nanos.stream().map(n -> String.format("%.2f", n / 1e9)).collect(java.util.stream.Collectors.joining(
                " ", "[", "]"));
    }

    /**
     * The limit: DuckDB's own CSV -> Parquet conversion of the same rows with both cores, from the gzip CSV the
     * loader reads: the parts as staged, and for a table of many parts also its rows as one gzip file (fewer files,
     * one core to decompress it), whichever is faster; and, for comparison, from the same CSV decompressed beforehand
     * into one file per table.
     */
    private static List<Limit> duckDbLimit(TestLake lake, Map<String, byte[]> partsByKey) throws Exception {
        List<Limit> limits = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            limits.add(duckDbLimitOnce(lake, partsByKey));
        }
        return limits;
    }

    private static Limit duckDbLimitOnce(TestLake lake, Map<String, byte[]> partsByKey) throws Exception {
        Path dir = Files.createTempDirectory(lake.dir, "duck");
        Map<String, List<byte[]>> byTable = new java.util.TreeMap<>();
        new java.util.TreeMap<>(partsByKey).forEach((key, bytes) -> byTable.computeIfAbsent(key.split("/", 3)[1],
                t -> new ArrayList<>()).add(bytes));
        long staged = 0;
        long decompressed = 0;
        for (Map.Entry<String, List<byte[]>> table : byTable.entrySet()) {
            Path tableDir = Files.createDirectories(dir.resolve(table.getKey()));
            Path csv = tableDir.resolve("all.csv");
            concatenate(table.getValue(), csv);
            List<Path> parts = new ArrayList<>();
            for (byte[] part : table.getValue()) {
                parts.add(Files.write(tableDir.resolve("part-" + parts.size() + ".csv.gz"), part));
            }
            long best = duckDbCopy(parts, tableDir.resolve("staged.parquet"));
            if (parts.size() > 4) {
                Path one = tableDir.resolve("all.csv.gz");
                try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(one), 1 << 16)) {
                    Files.copy(csv, out);
                }
                best = Math.min(best, duckDbCopy(List.of(one), tableDir.resolve("one.parquet")));
            }
            staged += best;
            decompressed += duckDbCopy(List.of(csv), tableDir.resolve("decompressed.parquet"));
        }
        return new Limit(staged, decompressed);
    }

    private static void concatenate(List<byte[]> gzParts, Path one) throws Exception {
        try (var out = Files.newOutputStream(one)) {
            boolean first = true;
            for (byte[] gz : gzParts) {
                byte[] csv;
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                    csv = in.readAllBytes();
                }
                int body = first ? 0 : indexOfNewline(csv) + 1; // the header once
                out.write(csv, body, csv.length - body);
                first = false;
            }
        }
    }

    private static long duckDbCopy(List<Path> files, Path out) throws Exception {
        String list = files.stream().map(p -> "'" + p + "'").collect(java.util.stream.Collectors.joining(", ", "[",
                "]"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = 2");
            long start = System.nanoTime();
            st.execute("COPY (SELECT * FROM read_csv(" + list + ", header = true,"
                    + " columns = {'id': 'BIGINT', 'name': 'VARCHAR', 'value': 'DOUBLE', 'amount': 'DECIMAL(38,9)',"
                    + " 'flag': 'BOOLEAN', 'ts': 'TIMESTAMPTZ', 'day': 'DATE', 'doc': 'VARCHAR', 'arn': 'VARCHAR',"
                    + " 'state': 'VARCHAR'}, quote = '\"', escape = '\"', allow_quoted_nulls = false,"
                    + " auto_detect = false)) TO '" + out + "' (FORMAT parquet, COMPRESSION zstd)");
            return System.nanoTime() - start;
        }
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

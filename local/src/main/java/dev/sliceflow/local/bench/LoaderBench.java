package dev.sliceflow.local.bench;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.local.warehouse.DuckDbWarehouse;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.warehouse.Sql;
import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.warehouse.PostgresWarehouse;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVPrinter;
import org.postgresql.PGConnection;

/**
 * Loader throughput against the limit: a manifest of N rows x 10 columns (gzip parts on local disk, so S3 is out of
 * the measurement) loaded by the warehouse's real load path, and, in the same run, a plain COPY of the same
 * decompressed CSV into a table of the same columns.
 *
 * <pre>
 * java -cp 'local/target/sliceflow-local.jar:local/target/lib/*' dev.sliceflow.local.bench.LoaderBench \
 *     [--rows 1000000] [--rows-per-part 250000] [--postgres-url jdbc:postgresql://127.0.0.1:5432/postgres \
 *     --postgres-user postgres --postgres-password ...] [--dir target/bench] [--repeat 3]
 * </pre>
 * Each side runs {@code repeat} times from empty tables, alternating; the best run of each is reported (the machine is
 * shared: the fastest run is the least disturbed).
 * Prints {@code loader-postgres: <rows/s> rows/s, psql-copy <rows/s> rows/s, ratio <x>} and the same for DuckDB
 * (DuckDB's limit is {@code COPY t FROM 'file.csv'}), each followed by a {@code -replace} line: a later sync of the
 * same slice loaded on top of the first, which deletes its rows and, on PostgreSQL, inserts into the slice index the
 * first load built after its COPY. Without --postgres-url only DuckDB runs.
 */
public final class LoaderBench {
    private static final TableSchema SCHEMA = new TableSchema("bench_resources", List.of(
            Column.required("id", ColumnType.LONG),
            Column.of("account_id", ColumnType.STRING),
            Column.of("name", ColumnType.STRING),
            Column.of("arn", ColumnType.STRING),
            Column.of("created_at", ColumnType.TIMESTAMP),
            Column.of("size_bytes", ColumnType.LONG),
            Column.of("ratio", ColumnType.DOUBLE),
            Column.of("price", ColumnType.DECIMAL),
            Column.of("enabled", ColumnType.BOOLEAN),
            Column.of("tags", ColumnType.JSON)), List.of("id"));
    private static final Instant SYNC_TIME = Instant.parse("2026-01-01T00:00:00Z");

    private LoaderBench() {
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** psql -c "\copy bench_plain FROM 'file' ...": the client users reach for, its time the limit. */
    private static void psqlCopy(String jdbcUrl, String user, String password, Path csv) throws Exception {
        psqlCopyInto(jdbcUrl, user, password, csv, "bench_plain");
    }

    /** psql -c "\copy TABLE FROM 'file' ...", the CSV with a header line. */
    static void psqlCopyInto(String jdbcUrl, String user, String password, Path csv, String table) throws Exception {
        java.net.URI uri = java.net.URI.create(jdbcUrl.substring("jdbc:".length()));
        ProcessBuilder builder = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", uri.getHost(), "-p", Integer.toString(uri.getPort()), "-U", user, "-d", uri.getPath().substring(1),
                "-c", "\\copy " + table + " FROM '" + csv.toAbsolutePath() + "' WITH (FORMAT csv, HEADER true)")
                .redirectErrorStream(true);
        if (password != null) {
            builder.environment().put("PGPASSWORD", password);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("psql \\copy failed: " + output);
        }
    }

    public static void main(String[] args) throws Exception {
        long rows = 1_000_000;
        int rowsPerPart = 250_000;
        String pgUrl = null;
        String pgUser = "postgres";
        String pgPassword = null;
        Path dir = Path.of("target", "bench");
        int repeat = 3;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--rows" -> rows = Long.parseLong(value);
                case "--rows-per-part" -> rowsPerPart = Integer.parseInt(value);
                case "--postgres-url" -> pgUrl = value;
                case "--postgres-user" -> pgUser = value;
                case "--postgres-password" -> pgPassword = value;
                case "--dir" -> dir = Path.of(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(dir);
        Bench bench = Bench.write(dir, rows, rowsPerPart);
        // a second sync of the slice: its load deletes the first's rows, and the slice index is already there
        Bench resync = bench.resync("bench-2", SYNC_TIME.plusSeconds(3600));
        System.out.printf("manifest: %d rows x %d columns in %d gzip parts (%d MB), plain CSV %d MB%n", rows,
                SCHEMA.width(), bench.manifest.tables().get(0).parts().size(),
                bench.manifest.tables().get(0).parts().stream().mapToLong(ManifestPart::bytes).sum() >> 20,
                Files.size(bench.plainCsv) >> 20);

        if (pgUrl != null) {
            // the limit is psql's \copy of the same decompressed CSV when psql is installed, else pgjdbc's COPY
            boolean psql = onPath("psql");
            WarehouseConfig config = new WarehouseConfig(pgUrl, Optional.of(pgUser), Optional.ofNullable(pgPassword));
            double loader = 0;
            double replace = 0;
            double limit = 0;
            // best of n, alternating, from empty tables: the machine is shared, so the fastest run is the least disturbed
            for (int r = 0; r < repeat; r++) {
                try (Connection c = DriverManager.getConnection(pgUrl, pgUser, pgPassword);
                     Statement st = c.createStatement()) {
                    dropAll(st);
                    try (Warehouse warehouse = PostgresWarehouse.open(config)) {
                        loader = Math.max(loader, rate(rows,
                                () -> warehouse.load(bench.manifest, bench.key, bench.sha256, bench.opener())));
                        replace = Math.max(replace, rate(rows, () -> warehouse.load(resync.manifest, resync.key,
                                resync.sha256, resync.opener())));
                    }
                    st.execute("CREATE TABLE bench_plain (" + ddl(Map.POSTGRES) + ")");
                    limit = Math.max(limit, rate(rows, () -> {
                        if (psql) {
                            psqlCopy(config.url(), config.user().orElseThrow(), config.password().orElse(null),
                                    bench.plainCsv);
                        } else {
                            try (InputStream in = new BufferedInputStream(Files.newInputStream(bench.plainCsv), 1 << 16)) {
                                c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                                        "COPY bench_plain FROM STDIN WITH (FORMAT csv, HEADER true)", in, 1 << 16);
                            }
                        }
                        return null;
                    }));
                    dropAll(st);
                }
            }
            System.out.printf("loader-postgres: %.0f rows/s, %s %.0f rows/s, ratio %.2f%n", loader,
                    psql ? "psql-copy" : "jdbc-copy", limit, loader / limit);
            System.out.printf("loader-postgres-replace: %.0f rows/s, %s %.0f rows/s, ratio %.2f%n", replace,
                    psql ? "psql-copy" : "jdbc-copy", limit, replace / limit);
        }

        double loader = 0;
        double replace = 0;
        double limit = 0;
        for (int r = 0; r < repeat; r++) {
            Path duckFile = dir.resolve("bench-" + r + ".duckdb");
            Files.deleteIfExists(duckFile);
            Files.deleteIfExists(dir.resolve("bench-" + r + ".duckdb.wal"));
            String duckUrl = "jdbc:duckdb:" + duckFile.toAbsolutePath();
            try (Warehouse warehouse = DuckDbWarehouse.open(
                    new WarehouseConfig(duckUrl, Optional.empty(), Optional.empty()), dir.resolve("scratch"))) {
                loader = Math.max(loader, rate(rows,
                        () -> warehouse.load(bench.manifest, bench.key, bench.sha256, bench.opener())));
                replace = Math.max(replace, rate(rows,
                        () -> warehouse.load(resync.manifest, resync.key, resync.sha256, resync.opener())));
            }
            try (Connection c = DriverManager.getConnection(duckUrl); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE bench_plain (" + ddl(Map.DUCKDB) + ")");
                limit = Math.max(limit, rate(rows, () -> st.execute("COPY bench_plain FROM '"
                        + bench.plainCsv.toAbsolutePath() + "' (FORMAT csv, HEADER true, QUOTE '\"', ESCAPE '\"',"
                        + " NULLSTR '', ALLOW_QUOTED_NULLS false, AUTO_DETECT false)")));
            }
            Files.deleteIfExists(duckFile);
        }
        System.out.printf("loader-duckdb: %.0f rows/s, duckdb-copy %.0f rows/s, ratio %.2f%n", loader, limit,
                loader / limit);
        System.out.printf("loader-duckdb-replace: %.0f rows/s, duckdb-copy %.0f rows/s, ratio %.2f%n", replace, limit,
                replace / limit);
    }

    private enum Map { POSTGRES, DUCKDB }

    private static String ddl(Map map) {
        List<String> columns = new ArrayList<>();
        for (Column column : SCHEMA.columns()) {
            String type = switch (column.type()) {
                case STRING -> "text";
                case LONG -> "bigint";
                case DOUBLE -> "double precision";
                case DECIMAL -> "numeric(38,9)";
                case BOOLEAN -> "boolean";
                case TIMESTAMP -> "timestamptz";
                case DATE -> "date";
                case JSON -> map == Map.POSTGRES ? "json" : "JSON";
            };
            columns.add(Sql.quote(column.name()) + " " + type);
        }
        return String.join(", ", columns);
    }

    private static void dropAll(Statement st) throws Exception {
        BenchSupport.dropWarehouse(st, List.of("bench_resources", "bench_plain"));
    }

    @FunctionalInterface
    private interface Work {
        Object run() throws Exception;
    }

    private static double rate(long rows, Work work) throws Exception {
        long start = System.nanoTime();
        Object result = work.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (result instanceof LoadResult load && load.rowsLoaded() != rows) {
            throw new IllegalStateException("loaded " + load.rowsLoaded() + " rows, expected " + rows);
        }
        return rows / seconds;
    }

    /** The parts (gzip files), their manifest, and the same rows as one plain CSV file. */
    private record Bench(Manifest manifest, String key, String sha256, java.util.Map<String, Path> files,
                         Path plainCsv) {
        PartOpener opener() {
            return part -> Files.newInputStream(files.get(part.key()));
        }

        static Bench write(Path dir, long rows, int rowsPerPart) throws Exception {
            java.util.Map<String, Path> files = new java.util.HashMap<>();
            List<ManifestPart> parts = new ArrayList<>();
            LocalDate date = SYNC_TIME.atZone(ZoneOffset.UTC).toLocalDate();
            for (long from = 0, n = 0; from < rows; from += rowsPerPart, n++) {
                String key = ObjectLayout.partKey(SCHEMA.name(), date, "bench", "123456789012", "us-east-1", "b1",
                        (int) n, Compression.GZIP);
                Path file = dir.resolve("part-" + n + ".csv.gz");
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                try (OutputStream out = new GZIPOutputStream(new DigestOutputStream(Files.newOutputStream(file),
                        digest), 1 << 16)) {
                    writeRows(out, from, Math.min(rows, from + rowsPerPart));
                }
                files.put(key, file);
                parts.add(new ManifestPart(key, Math.min(rows, from + rowsPerPart) - from, Files.size(file),
                        HexFormat.of().formatHex(digest.digest())));
            }
            Path plain = dir.resolve("plain.csv");
            try (OutputStream out = Files.newOutputStream(plain)) {
                writeRows(out, 0, rows);
            }
            return of("bench", SYNC_TIME, parts, files, plain);
        }

        /** The same rows as a later sync of the same slice: loading it replaces every row of the first. */
        Bench resync(String syncId, Instant syncTime) throws Exception {
            java.util.Map<String, Path> renamed = new java.util.HashMap<>();
            List<ManifestPart> parts = new ArrayList<>();
            LocalDate date = syncTime.atZone(ZoneOffset.UTC).toLocalDate();
            List<ManifestPart> old = manifest.tables().get(0).parts();
            for (int n = 0; n < old.size(); n++) {
                String key = ObjectLayout.partKey(SCHEMA.name(), date, syncId, "123456789012", "us-east-1", "b1", n,
                        Compression.GZIP);
                renamed.put(key, files.get(old.get(n).key()));
                parts.add(new ManifestPart(key, old.get(n).rows(), old.get(n).bytes(), old.get(n).sha256()));
            }
            return of(syncId, syncTime, parts, renamed, plainCsv);
        }

        private static Bench of(String syncId, Instant syncTime, List<ManifestPart> parts,
                                java.util.Map<String, Path> files, Path plain) throws Exception {
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, syncId, syncTime, "synthetic", "123456789012",
                    "us-east-1", 0, true, WriteMode.REPLACE, "b1", "sliceflow-bench/0", syncTime,
                    CsvDialect.spec(Compression.GZIP), List.of(ManifestTable.ok(SCHEMA, parts)));
            byte[] json = ManifestCodec.toJson(manifest);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
            return new Bench(manifest, ObjectLayout.manifestKey(syncId, "123456789012", "us-east-1", 0), sha, files,
                    plain);
        }

        private static void writeRows(OutputStream out, long from, long to) throws IOException {
            Writer writer = new OutputStreamWriter(out, CsvDialect.CHARSET);
            CSVPrinter printer = new CSVPrinter(writer, CsvDialect.FORMAT);
            printer.printRecord(SCHEMA.columns().stream().map(Column::name).toList());
            for (long id = from; id < to; id++) {
                List<Object> row = Arrays.asList(id, String.format("%012d", id % 1000), "resource-" + id,
                        "arn:aws:ec2:us-east-1:123456789012:instance/i-" + Long.toHexString(id * 7919),
                        SYNC_TIME.minusSeconds(id).plusNanos((id % 1000) * 1000), id * 1024, id / 3.0,
                        BigDecimal.valueOf(id, 3), id % 2 == 0, id % 5 == 0 ? null
                                : "{\"env\":\"prod\",\"team\":\"t" + (id % 17) + "\",\"n\":" + id + "}");
                List<String> fields = new ArrayList<>(row.size());
                for (int i = 0; i < row.size(); i++) {
                    fields.add(row.get(i) == null ? null : CsvDialect.encode(SCHEMA.column(i).type(), row.get(i)));
                }
                printer.printRecord(fields);
            }
            printer.flush();
        }
    }
}

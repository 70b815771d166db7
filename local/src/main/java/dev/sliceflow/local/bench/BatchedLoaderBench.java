package dev.sliceflow.local.bench;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.local.runtime.LocalRuntime;
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
import dev.sliceflow.warehouse.PostgresDialect;
import dev.sliceflow.warehouse.PostgresWarehouse;
import dev.sliceflow.warehouse.Sql;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVPrinter;

/**
 * Many small manifests through the batched load path, against the engine's own COPY of the same rows as one file per
 * table; and the scaling run: manifests/s over the last fifth of a long load (replacing slices, deletes included)
 * against the first fifth.
 *
 * <pre>
 * bench/run loader-batched [--manifests 1000] [--tables 3] [--rows 300] [--batch 1000]
 *                          [--scale-manifests 50000] [--scale-rows 20] [--scale-syncs 2] [--engines postgres,duckdb]
 *                          [--repeat 3]
 * </pre>
 * The small-manifest figure and its limit are each the best of {@code repeat} runs from empty tables, alternating (the
 * machine is shared, and the first run warms the JVM up, as a warm Lambda container is).
 * Prints {@code loader-batched-<engine>: <rows/s> rows/s, single-copy <rows/s>, ratio <r>},
 * {@code loader-unbatched-<engine>: ...} (batches of one, for comparison, on the first tenth of the manifests) and
 * {@code loader-scaling-<engine>: first fifth <m/s> manifests/s, last fifth <m/s> manifests/s, ratio <r>}. Parts are
 * served from memory: S3 is not measured.
 */
public final class BatchedLoaderBench {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private BatchedLoaderBench() {
    }

    static TableSchema schema(String name) {
        return new TableSchema(name, List.of(Column.required("id", ColumnType.LONG),
                Column.of("name", ColumnType.STRING), Column.of("arn", ColumnType.STRING),
                Column.of("created_at", ColumnType.TIMESTAMP), Column.of("size_bytes", ColumnType.LONG),
                Column.of("enabled", ColumnType.BOOLEAN), Column.of("tags", ColumnType.JSON)), List.of("id"));
    }

    /** Manifests in memory: their parts' bytes by key. */
    record Corpus(List<StagedManifest> manifests, Map<String, byte[]> parts, long rows) {
        PartOpener opener() {
            return part -> new ByteArrayInputStream(parts.get(part.key()));
        }
    }

    /** {@code accounts} slices x {@code syncs} syncs (each replacing the last), {@code tables} tables of {@code rows}. */
    static Corpus corpus(int accounts, int syncs, int tables, int rows) throws Exception {
        List<StagedManifest> manifests = new ArrayList<>();
        Map<String, byte[]> parts = new HashMap<>();
        long total = 0;
        for (int s = 0; s < syncs; s++) {
            String syncId = "bench-" + s;
            Instant syncTime = T0.plusSeconds(3600L * s);
            for (int a = 0; a < accounts; a++) {
                String account = String.format("%012d", 100_000_000_000L + a);
                List<ManifestTable> tableEntries = new ArrayList<>();
                for (int t = 0; t < tables; t++) {
                    TableSchema schema = schema("bench_t" + t);
                    String key = ObjectLayout.partKey(schema.name(), syncTime.atZone(ZoneOffset.UTC).toLocalDate(),
                            syncId, account, "us-east-1", "b1", 0, Compression.GZIP);
                    byte[] bytes = csv(a, rows, true);
                    parts.put(key, bytes);
                    tableEntries.add(ManifestTable.ok(schema, List.of(new ManifestPart(key, rows, bytes.length,
                            sha256(bytes)))));
                    total += rows;
                }
                Manifest m = new Manifest(Manifest.FORMAT_VERSION, syncId, syncTime, "synthetic", account,
                        "us-east-1", 0, true, WriteMode.REPLACE, "b1", "sliceflow-bench/0", syncTime,
                        CsvDialect.spec(Compression.GZIP), tableEntries);
                byte[] json = ManifestCodec.toJson(m);
                manifests.add(new StagedManifest(ObjectLayout.manifestKey(syncId, account, "us-east-1", 0),
                        sha256(json), m));
            }
        }
        return new Corpus(manifests, parts, total);
    }

    /** One slice's rows of one table, gzip-compressed (or plain, header included). */
    static byte[] csv(int account, int rows, boolean gzip) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OutputStream out = gzip ? new GZIPOutputStream(bytes) : bytes;
        writeRows(out, account, rows, true);
        out.close();
        return bytes.toByteArray();
    }

    private static void writeRows(OutputStream out, int account, int rows, boolean header) throws Exception {
        writeRows(out, account, rows, header, null);
    }

    /** With {@code metadata}: each record ends with the metadata columns' values, as the loader appends them. */
    private static void writeRows(OutputStream out, int account, int rows, boolean header, List<String> metadata)
            throws Exception {
        TableSchema schema = schema("x");
        Writer writer = new OutputStreamWriter(out, CsvDialect.CHARSET);
        CSVPrinter printer = new CSVPrinter(writer, CsvDialect.FORMAT);
        if (header) {
            List<String> names = new ArrayList<>(schema.columns().stream().map(Column::name).toList());
            if (metadata != null) {
                names.addAll(Sql.METADATA_COLUMNS);
            }
            printer.printRecord(names);
        }
        for (int r = 0; r < rows; r++) {
            long id = (long) account * 100_000 + r;
            List<Object> row = List.of(id, "resource-" + id, "arn:aws:ec2:us-east-1:123456789012:instance/i-"
                    + Long.toHexString(id * 7919), T0.minusSeconds(id % 86_400), id * 1024, id % 2 == 0,
                    "{\"env\":\"prod\",\"n\":" + id + "}");
            List<String> fields = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                fields.add(CsvDialect.encode(schema.column(i).type(), row.get(i)));
            }
            if (metadata != null) {
                fields.addAll(metadata);
            }
            printer.printRecord(fields);
        }
        printer.flush();
    }

    private static byte[] sha256Bytes(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(sha256Bytes(bytes));
    }

    /** Loads {@code manifests} in batches; returns seconds per batch. */
    static List<Double> load(Warehouse warehouse, List<StagedManifest> manifests, PartOpener opener, int batch) {
        List<Double> seconds = new ArrayList<>();
        for (int from = 0; from < manifests.size(); from += batch) {
            List<StagedManifest> slice = manifests.subList(from, Math.min(manifests.size(), from + batch));
            long start = System.nanoTime();
            List<ManifestOutcome> outcomes = warehouse.load(slice, opener);
            seconds.add((System.nanoTime() - start) / 1e9);
            for (ManifestOutcome outcome : outcomes) {
                if (!(outcome instanceof ManifestOutcome.Loaded loaded) || loaded.result().skipped()) {
                    throw new IllegalStateException("bench manifest not loaded: " + outcome);
                }
            }
        }
        return seconds;
    }

    public static void main(String[] args) throws Exception {
        int manifests = 1000;
        int tables = 3;
        int rows = 300;
        int batch = LocalRuntime.LOAD_BATCH_SIZE; // the stack's default too (decisions.md #32)
        int scaleManifests = 50_000;
        int scaleRows = 20;
        int scaleSyncs = 2;
        String engines = "postgres,duckdb";
        String pgUrl = null;
        String pgUser = "postgres";
        String pgPassword = null;
        Path dir = Path.of("target", "bench");
        int repeat = 3;
        for (int i = 0; i < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--manifests" -> manifests = Integer.parseInt(value);
                case "--tables" -> tables = Integer.parseInt(value);
                case "--rows" -> rows = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--scale-manifests" -> scaleManifests = Integer.parseInt(value);
                case "--scale-rows" -> scaleRows = Integer.parseInt(value);
                case "--scale-syncs" -> scaleSyncs = Integer.parseInt(value);
                case "--engines" -> engines = value;
                case "--postgres-url" -> pgUrl = value;
                case "--postgres-user" -> pgUser = value;
                case "--postgres-password" -> pgPassword = value;
                case "--dir" -> dir = Path.of(value);
                case "--repeat" -> repeat = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Files.createDirectories(dir);
        Corpus small = corpus(manifests, 1, tables, rows);
        // the limit's input: the same rows, one plain file per table
        List<Path> plain = new ArrayList<>();
        List<Path> shaped = new ArrayList<>();
        for (int t = 0; t < tables; t++) {
            Path file = dir.resolve("batched-plain-" + t + ".csv");
            try (OutputStream out = Files.newOutputStream(file)) {
                writeRows(out, -1, 0, true);
                for (int a = 0; a < manifests; a++) {
                    writeRows(out, a, rows, false);
                }
            }
            plain.add(file);
            // the same rows with the metadata columns' values: what the loader's COPY writes
            Path shapedFile = dir.resolve("batched-shaped-" + t + ".csv");
            try (OutputStream out = Files.newOutputStream(shapedFile)) {
                writeRows(out, -1, 0, true, List.of());
                for (int a = 0; a < manifests; a++) {
                    writeRows(out, a, rows, false, List.of("bench-0", CsvDialect.encode(ColumnType.TIMESTAMP, T0),
                            "synthetic", String.format("%012d", 100_000_000_000L + a), "us-east-1"));
                }
            }
            shaped.add(shapedFile);
        }
        System.out.printf("small manifests: %d x %d tables x %d rows = %d rows, batches of %d%n", manifests, tables,
                rows, small.rows(), batch);
        int scaleAccounts = Math.max(1, scaleManifests / scaleSyncs);
        for (String engine : engines.split(",")) {
            if (engine.equals("postgres") && pgUrl == null) {
                System.out.println("loader-batched-postgres: skipped (no --postgres-url)");
                continue;
            }
            Engine e = engine.equals("postgres") ? new Engine.Postgres(pgUrl, pgUser, pgPassword)
                    : new Engine.DuckDb(dir);
            // batched, and the limit: one COPY of each table's rows as one file, into tables of the same columns;
            // best of `repeat`, alternating, from empty tables (the first run also warms the JVM up)
            double loaded = 0;
            double limit = 0;
            double sameShape = 0;
            for (int r = 0; r < repeat; r++) {
                e.reset();
                try (Warehouse w = e.open()) {
                    double seconds = load(w, small.manifests(), small.opener(), batch).stream()
                            .mapToDouble(Double::doubleValue).sum();
                    loaded = Math.max(loaded, small.rows() / seconds);
                }
                limit = Math.max(limit, small.rows() / e.copyPlain(plain));
                sameShape = Math.max(sameShape, small.rows() / e.copyShaped(shaped));
            }
            System.out.printf("loader-batched-%s: %.0f rows/s, single-copy %.0f rows/s, ratio %.2f%n", engine,
                    loaded, limit, loaded / limit);
            System.out.printf("  same-shape-copy-%s: %.0f rows/s (one COPY per table into the loader's table shape: the"
                    + " metadata columns, and PostgreSQL's slice index), loader ratio %.2f%n", engine, sameShape,
                    loaded / sameShape);
            // batches of one, on a tenth of the manifests, for comparison
            e.reset();
            List<StagedManifest> tenth = small.manifests().subList(0, Math.max(1, manifests / 10));
            try (Warehouse w = e.open()) {
                double seconds = load(w, tenth, small.opener(), 1).stream().mapToDouble(Double::doubleValue).sum();
                System.out.printf("loader-unbatched-%s: %.0f rows/s (%d manifests one per transaction, %.1f ms each)%n",
                        engine, tenth.size() * (double) tables * rows / seconds, tenth.size(),
                        seconds * 1000 / tenth.size());
            }
            // scaling: the first sync inserts every slice, the later ones replace them
            if (scaleManifests > 0) {
                e.reset();
                Corpus scale = corpus(scaleAccounts, scaleSyncs, 1, scaleRows);
                try (Warehouse w = e.open()) {
                    List<Double> seconds = load(w, scale.manifests(), scale.opener(), batch);
                    int fifth = Math.max(1, seconds.size() / 5);
                    double first = fifth * (double) batch / seconds.subList(0, fifth).stream()
                            .mapToDouble(Double::doubleValue).sum();
                    double last = fifth * (double) batch / seconds.subList(seconds.size() - fifth, seconds.size())
                            .stream().mapToDouble(Double::doubleValue).sum();
                    System.out.printf("loader-scaling-%s: %d manifests (%d slices x %d syncs, %d rows each), first fifth"
                                    + " %.0f manifests/s, last fifth %.0f manifests/s, ratio %.2f%n", engine,
                            scale.manifests().size(), scaleAccounts, scaleSyncs, scaleRows, first, last, last / first);
                }
            }
            e.reset();
        }
    }

    private sealed interface Engine {
        Warehouse open();

        void reset() throws Exception;

        double copyPlain(List<Path> files) throws Exception;

        /** One COPY per table of the rows with their metadata values, into the loader's table shape. */
        double copyShaped(List<Path> files) throws Exception;

        record Postgres(String url, String user, String password) implements Engine {
            @Override
            public Warehouse open() {
                return PostgresWarehouse.open(new WarehouseConfig(url, Optional.of(user), Optional.ofNullable(password)));
            }

            @Override
            public void reset() throws Exception {
                try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                    dropAll(st);
                    st.execute("VACUUM");
                }
            }

            @Override
            public double copyShaped(List<Path> files) throws Exception {
                double seconds = 0;
                try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                    for (int t = 0; t < files.size(); t++) {
                        st.execute("DROP TABLE IF EXISTS bench_shaped_" + t);
                        st.execute("CREATE TABLE bench_shaped_" + t + " (" + ddl("json") + ", "
                                + METADATA_DDL.replace(" text", " " + PostgresDialect.METADATA_TEXT_TYPE) + ")");
                        st.execute("CREATE INDEX ON bench_shaped_" + t + " (_account, _region, _source, _sync_id)");
                        long start = System.nanoTime();
                        LoaderBench.psqlCopyInto(url, user, password, files.get(t), "bench_shaped_" + t);
                        seconds += (System.nanoTime() - start) / 1e9;
                        st.execute("DROP TABLE bench_shaped_" + t);
                    }
                }
                return seconds;
            }

            @Override
            public double copyPlain(List<Path> files) throws Exception {
                double seconds = 0;
                try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
                    for (int t = 0; t < files.size(); t++) {
                        st.execute("DROP TABLE IF EXISTS bench_plain_" + t);
                        st.execute("CREATE TABLE bench_plain_" + t + " (" + ddl("json") + ")");
                        long start = System.nanoTime();
                        LoaderBench.psqlCopyInto(url, user, password, files.get(t), "bench_plain_" + t);
                        seconds += (System.nanoTime() - start) / 1e9;
                        st.execute("DROP TABLE bench_plain_" + t);
                    }
                }
                return seconds;
            }
        }

        record DuckDb(Path dir) implements Engine {
            Path file() {
                return dir.resolve("batched.duckdb");
            }

            @Override
            public Warehouse open() {
                return DuckDbWarehouse.open(new WarehouseConfig("jdbc:duckdb:" + file().toAbsolutePath(),
                        Optional.empty(), Optional.empty()), dir.resolve("scratch"));
            }

            @Override
            public void reset() throws Exception {
                Files.deleteIfExists(file());
                Files.deleteIfExists(dir.resolve("batched.duckdb.wal"));
            }

            @Override
            public double copyShaped(List<Path> files) throws Exception {
                double seconds = 0;
                try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file().toAbsolutePath());
                     Statement st = c.createStatement()) {
                    for (int t = 0; t < files.size(); t++) {
                        st.execute("CREATE TABLE bench_shaped_" + t + " (" + ddl("JSON") + ", " + METADATA_DDL + ")");
                        long start = System.nanoTime();
                        st.execute("COPY bench_shaped_" + t + " FROM '" + files.get(t).toAbsolutePath() + "' (FORMAT"
                                + " csv, HEADER true, QUOTE '\"', ESCAPE '\"', NULLSTR '', ALLOW_QUOTED_NULLS false,"
                                + " AUTO_DETECT false)");
                        seconds += (System.nanoTime() - start) / 1e9;
                        st.execute("DROP TABLE bench_shaped_" + t);
                    }
                }
                return seconds;
            }

            @Override
            public double copyPlain(List<Path> files) throws Exception {
                double seconds = 0;
                try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file().toAbsolutePath());
                     Statement st = c.createStatement()) {
                    for (int t = 0; t < files.size(); t++) {
                        st.execute("CREATE TABLE bench_plain_" + t + " (" + ddl("JSON") + ")");
                        long start = System.nanoTime();
                        st.execute("COPY bench_plain_" + t + " FROM '" + files.get(t).toAbsolutePath() + "' (FORMAT"
                                + " csv, HEADER true, QUOTE '\"', ESCAPE '\"', NULLSTR '', ALLOW_QUOTED_NULLS false,"
                                + " AUTO_DETECT false)");
                        seconds += (System.nanoTime() - start) / 1e9;
                        st.execute("DROP TABLE bench_plain_" + t);
                    }
                }
                return seconds;
            }
        }
    }

    private static final String METADATA_DDL = "\"_sync_id\" text, \"_sync_time\" timestamptz, \"_source\" text,"
            + " \"_account\" text, \"_region\" text";

    private static String ddl(String json) {
        return "\"id\" bigint, \"name\" text, \"arn\" text, \"created_at\" timestamptz, \"size_bytes\" bigint,"
                + " \"enabled\" boolean, \"tags\" " + json;
    }

    private static void dropAll(Statement st) throws Exception {
        BenchSupport.dropWarehouse(st, List.of("bench_t0", "bench_t1", "bench_t2", "bench_t3"));
    }
}

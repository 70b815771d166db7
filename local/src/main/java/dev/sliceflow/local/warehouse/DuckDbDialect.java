package dev.sliceflow.local.warehouse;

import static dev.sliceflow.warehouse.Sql.quote;

import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.PartStream;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.warehouse.Sql;
import dev.sliceflow.warehouse.SqlDialect;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * DuckDB, the local mode's embedded warehouse. DuckDB reads files, not streams (and has no S3 access offline): the
 * parts of a table in a batch are each written, a few at a time, to a temporary file, verified, decompressed and
 * checked on the way ({@link PartStream}), each record ending with the index of its manifest's metadata values; then
 * ONE {@code INSERT ... SELECT FROM read_csv([files])} reads them all, in parallel, with every CSV option stated, and
 * joins the metadata values back in ({@link #insertSql}). A large part (at least {@link #DIRECT_PART_BYTES} stored) is
 * instead copied as it is stored (size and SHA-256 verified, the header checked) and read, still compressed, by a
 * second statement ({@link #directInsertSql}) that joins each file's metadata values by its name: DuckDB then
 * decompresses and parses in its own threads, and the loader neither inflates nor rewrites it (a 1M-row manifest's
 * parts: 0.53-0.64 s of Java staging saved, bench/run loader). One writer per database file: every instance on the
 * same file shares one lock, so concurrent loaders queue instead of failing on DuckDB's write conflicts.
 */
public final class DuckDbDialect implements SqlDialect {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DuckDbDialect.class);
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    /** Parts written to disk at once: gunzip is single-threaded per part. */
    private static final int WRITERS = 2;
    private static final ExecutorService POOL = Executors.newFixedThreadPool(WRITERS, r -> {
        Thread thread = new Thread(r, "sliceflow-duckdb-part");
        thread.setDaemon(true);
        return thread;
    });
    private static final Map<ColumnType, String> TYPES = Map.of(
            ColumnType.STRING, "VARCHAR",
            ColumnType.LONG, "BIGINT",
            ColumnType.DOUBLE, "DOUBLE",
            ColumnType.DECIMAL, "DECIMAL(" + Column.DECIMAL_PRECISION + "," + Column.DECIMAL_SCALE + ")",
            ColumnType.BOOLEAN, "BOOLEAN",
            ColumnType.TIMESTAMP, "TIMESTAMP WITH TIME ZONE",
            ColumnType.DATE, "DATE",
            ColumnType.JSON, "JSON");

    /**
     * From this many stored bytes a part is read by DuckDB as it is stored. Below it, many small parts are cheaper
     * concatenated into a few files (read_csv pays per file, and a batch of small manifests has hundreds of parts).
     */
    static final long DIRECT_PART_BYTES = 4L << 20;

    private final WarehouseConfig config;
    private final Path scratch;
    private final ReentrantLock lock;
    private final long directPartBytes;

    /**
     * @param config  jdbc:duckdb:/path/to/file.duckdb
     * @param scratch where parts are written (a directory of the loader's own; files are deleted after each load)
     */
    public DuckDbDialect(WarehouseConfig config, Path scratch) {
        this(config, scratch, DIRECT_PART_BYTES);
    }

    /** @param directPartBytes parts of at least this many stored bytes are read by DuckDB as stored (tests: 0, all) */
    DuckDbDialect(WarehouseConfig config, Path scratch, long directPartBytes) {
        this.config = config;
        this.scratch = scratch;
        this.lock = LOCKS.computeIfAbsent(config.url(), url -> new ReentrantLock());
        this.directPartBytes = directPartBytes;
    }

    @Override
    public Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(config.url(), new Properties());
        try (Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
        }
        return c;
    }

    @Override
    public String typeName(ColumnType type) {
        return TYPES.get(type);
    }

    @Override
    public Map<String, String> existingColumns(Connection c, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        // duckdb_columns(), not the information_schema view over it: a third of the time, every batch
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM duckdb_columns()"
                + " WHERE database_name = current_database() AND schema_name = current_schema() AND table_name = ?"
                + " ORDER BY column_index")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }

    @Override
    public void lockForDdl(Connection c, String table) {
        // one writer per database: the shared lock already serialises loads
    }

    @Override
    public String lockStateRows() {
        return "";
    }

    /** DuckDB unnests in the select list; several unnests of one select zip their lists row by row. */
    @Override
    public String columnarRows(List<String> names) {
        List<String> columns = new ArrayList<>();
        for (String name : names) {
            columns.add("unnest(?::VARCHAR[]) AS " + name);
        }
        return "(SELECT " + String.join(", ", columns) + ") AS v";
    }

    @Override
    public String textArrayType() {
        return "VARCHAR";
    }

    @Override
    public List<String> afterCreate(String table) {
        return List.of();
    }

    @Override
    public List<String> ledgerExtras() {
        return List.of();
    }

    @Override
    public void beforeLedgerDdl(Connection c) {
        // one writer per database
    }

    /**
     * DuckDB's JDBC driver reports no SQLSTATE: its messages name the error class. Conversion (a value the column
     * refuses), Invalid Input (CSV that does not parse: an extra field, a bad quote), Binder and Constraint errors
     * cannot pass on retry; IO and transaction conflicts can.
     */
    @Override
    public boolean isPermanent(SQLException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.contains("Conversion Error") || message.contains("Invalid Input Error")
                || message.contains("Binder Error") || message.contains("Constraint Error")
                || message.contains("Out of Range Error");
    }

    @Override
    public ReentrantLock writerLock() {
        return lock;
    }

    /**
     * The statement that inserts a table's part files: documented in docs/loading.md. Each record ends with the index
     * of its manifest's metadata values (its origin) instead of the values themselves: a few bytes per row to write and
     * parse instead of five fields and a timestamp; the origins, bound as one list parameter per metadata column, are
     * joined back in.
     */
    String insertSql(TableSchema schema, List<Path> files) {
        List<String> columns = columnTypes(schema);
        columns.add("'" + ORIGIN + "': 'INTEGER'");
        String read = "read_csv([" + String.join(", ", quoted(files)) + "], header = false, " + CSV_OPTIONS
                + ", compression = 'none', columns = {" + String.join(", ", columns) + "})";
        return insertWithMetadata(schema, read, ORIGIN, "unnest(range(?))");
    }

    /** sliceflow's CSV dialect (docs/formats.md), every option stated: nothing is sniffed. */
    private static final String CSV_OPTIONS = "delim = ',', quote = '\"', escape = '\"', new_line = '\\n',"
            + " nullstr = '', allow_quoted_nulls = false, auto_detect = false, strict_mode = true, encoding = 'utf-8'";

    /**
     * The statement that inserts large parts as stored (each file with its header; gzip or not by its name), each
     * file's metadata values joined by its name: one list parameter of the names, then one per metadata column.
     * Documented in docs/loading.md. Binding the values as constants instead (one INSERT per manifest, no join)
     * measured slower: a 1M-row insert's median 2.55 s against 2.15 s (decision 31).
     */
    String directInsertSql(TableSchema schema, List<Path> files) {
        return insertWithMetadata(schema, directRead(files, columnTypes(schema)), FILE, "unnest(?::VARCHAR[])");
    }

    /**
     * INSERT ... SELECT of {@code read}'s rows (as {@code r}) with the metadata values joined in on {@code key}: a
     * relation of {@code keys} beside one list parameter per metadata column.
     */
    private String insertWithMetadata(TableSchema schema, String read, String key, String keys) {
        List<String> select = new ArrayList<>();
        for (Column column : schema.columns()) {
            select.add("r." + quote(column.name()));
        }
        List<String> origins = new ArrayList<>(List.of(keys + " AS " + key));
        for (String meta : Sql.METADATA_COLUMNS) {
            String type = typeName(meta.equals("_sync_time") ? ColumnType.TIMESTAMP : ColumnType.STRING);
            origins.add("unnest(?::VARCHAR[])" + (type.equals("VARCHAR") ? "" : "::" + type) + " AS " + quote(meta));
            select.add("o." + quote(meta));
        }
        return "INSERT INTO " + quote(schema.name()) + " (" + Sql.columnList(schema) + ")"
                + " SELECT " + String.join(", ", select) + " FROM " + read + " AS r"
                + " JOIN (SELECT " + String.join(", ", origins) + ") AS o USING (" + key + ")";
    }

    /** read_csv's {@code columns}: each column's name and DuckDB type. */
    private List<String> columnTypes(TableSchema schema) {
        List<String> columns = new ArrayList<>();
        for (Column column : schema.columns()) {
            columns.add("'" + column.name() + "': '" + typeName(column.type()) + "'");
        }
        return columns;
    }

    private static String directRead(List<Path> files, List<String> columns) {
        return "read_csv([" + String.join(", ", quoted(files)) + "], header = true, compression = 'auto', filename = '"
                + FILE + "', " + CSV_OPTIONS + ", columns = {" + String.join(", ", columns) + "})";
    }

    private static List<String> quoted(List<Path> files) {
        List<String> paths = new ArrayList<>();
        for (Path file : files) {
            paths.add("'" + file.toAbsolutePath().toString().replace("'", "''") + "'");
        }
        return paths;
    }

    /** The column read_csv names each direct row's file by (no manifest column can have the name). */
    static final String FILE = "_sliceflow_file";

    /** The field each staged record ends with: its metadata values' index in the load (no column can have the name). */
    static final String ORIGIN = "_sliceflow_origin";

    @Override
    public long bulkLoad(Connection c, TableSchema schema, List<StagedPart> parts, PartOpener opener)
            throws SQLException, IOException {
        Files.createDirectories(scratch);
        List<StagedPart> concatenated = new ArrayList<>();
        List<StagedPart> direct = new ArrayList<>();
        for (StagedPart part : parts) {
            (part.part().bytes() >= directPartBytes ? direct : concatenated).add(part);
        }
        try {
            long inserted = 0;
            if (!concatenated.isEmpty()) {
                inserted += loadConcatenated(c, schema, concatenated, opener);
            }
            if (!direct.isEmpty()) {
                inserted += loadDirect(c, schema, direct, opener);
            }
            return inserted;
        } finally {
            try (var leftovers = Files.list(scratch)) {
                // this call's files, and any a cancelled write left (the writer lock makes them all this call's)
                for (Path file : leftovers.toList()) {
                    if (file.getFileName().toString().startsWith(prefix)) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    private long loadConcatenated(Connection c, TableSchema schema, List<StagedPart> parts, PartOpener opener)
            throws SQLException, IOException {
        List<String> names = schema.columns().stream().map(Column::name).toList();
        // each distinct set of metadata values once: manifests of one slice share theirs
        Map<List<String>, Integer> origins = new LinkedHashMap<>();
        for (StagedPart part : parts) {
            origins.putIfAbsent(metadata(part), origins.size());
        }
        // a few files, not one per part: read_csv pays per file, and a batch of small manifests has hundreds of parts
        List<List<StagedPart>> ranges = ranges(parts, WRITERS);
        List<Path> files = inPool(ranges, range -> write(range, opener, names, origins));
        long started = System.nanoTime();
        try (PreparedStatement ps = c.prepareStatement(insertSql(schema, files))) {
            ps.setInt(1, origins.size());
            for (int m = 0; m < Sql.METADATA_COLUMNS.size(); m++) {
                String[] values = new String[origins.size()];
                for (Map.Entry<List<String>, Integer> origin : origins.entrySet()) {
                    values[origin.getValue()] = origin.getKey().get(m);
                }
                ps.setArray(m + 2, c.createArrayOf("VARCHAR", values));
            }
            long inserted = ps.executeUpdate();
            LOG.debug("{}: {} parts concatenated into {} files, inserted in {} ms", schema.name(), parts.size(),
                    files.size(), (System.nanoTime() - started) / 1_000_000);
            return inserted;
        }
    }

    private long loadDirect(Connection c, TableSchema schema, List<StagedPart> parts, PartOpener opener)
            throws SQLException, IOException {
        List<String> names = schema.columns().stream().map(Column::name).toList();
        List<List<StagedPart>> each = parts.stream().map(List::of).toList();
        List<Path> files = inPool(each, one -> copy(one.get(0), opener, names));
        long started = System.nanoTime();
        long expected = parts.stream().mapToLong(p -> p.part().rows()).sum();
        long inserted;
        try (PreparedStatement ps = c.prepareStatement(directInsertSql(schema, files))) {
            ps.setArray(1, c.createArrayOf("VARCHAR", files.stream().map(f -> f.toAbsolutePath().toString())
                    .toArray(String[]::new)));
            for (int m = 0; m < Sql.METADATA_COLUMNS.size(); m++) {
                int column = m;
                ps.setArray(m + 2, c.createArrayOf("VARCHAR", parts.stream().map(p -> metadata(p).get(column))
                        .toArray(String[]::new)));
            }
            inserted = ps.executeUpdate();
        }
        if (inserted != expected) {
            throw rowCountMismatch(c, schema, parts, files);
        }
        LOG.debug("{}: {} parts read as stored, inserted in {} ms", schema.name(), parts.size(),
                (System.nanoTime() - started) / 1_000_000);
        return inserted;
    }

    /** The first direct part whose file holds other rows than its manifest lists, failing its manifest alone. */
    private ManifestFailure rowCountMismatch(Connection c, TableSchema schema, List<StagedPart> parts, List<Path> files)
            throws SQLException {
        List<String> columns = new ArrayList<>();
        for (Column column : schema.columns()) {
            columns.add("'" + column.name() + "': 'VARCHAR'");
        }
        Map<String, Long> counts = new java.util.HashMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + FILE + ", count(*) FROM " + directRead(files, columns)
                     + " GROUP BY " + FILE)) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        for (int i = 0; i < parts.size(); i++) {
            long rows = counts.getOrDefault(files.get(i).toAbsolutePath().toString(), 0L);
            StagedPart part = parts.get(i);
            if (rows != part.part().rows()) {
                return new ManifestFailure(part.manifestKey(), new dev.sliceflow.core.InvalidInputException("table "
                        + schema.name() + ": cannot load manifest " + part.manifestKey() + ": part " + part.part().key()
                        + " has " + rows + " rows, manifest says " + part.part().rows()));
            }
        }
        throw new SQLException("table " + schema.name() + ": read_csv inserted another row count than its parts list,"
                + " but each part's count matches");
    }

    @FunctionalInterface
    private interface Job {
        Path run(List<StagedPart> parts) throws IOException;
    }

    /** Runs {@code job} over {@code groups} on the writer threads; the first manifest's failure, after all ended. */
    private static List<Path> inPool(List<List<StagedPart>> groups, Job job) throws IOException {
        List<Future<Path>> jobs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        try {
            for (List<StagedPart> group : groups) {
                jobs.add(POOL.submit(() -> job.run(group)));
            }
            ManifestFailure failure = null;
            for (int i = 0; i < jobs.size(); i++) {
                try {
                    files.add(jobs.get(i).get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof ManifestFailure f ? f
                                : new ManifestFailure(groups.get(i).get(0).manifestKey(),
                                        new dev.sliceflow.destination.TransientLoadException(
                                                "cannot stage parts for DuckDB: " + e.getCause(), e.getCause()));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while staging parts", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return files;
        } finally {
            for (Future<Path> j : jobs) {
                j.cancel(true);
            }
        }
    }

    /** A part's metadata column values, in {@link Sql#METADATA_COLUMNS} order. */
    private static List<String> metadata(StagedPart part) {
        dev.sliceflow.manifest.Manifest m = part.manifest();
        return List.of(m.syncId(), dev.sliceflow.csv.CsvDialect.encode(ColumnType.TIMESTAMP, m.syncTime()), m.source(),
                m.account(), m.region());
    }

    /** Parts split into at most {@code n} contiguous ranges of about equal stored size. */
    static List<List<StagedPart>> ranges(List<StagedPart> parts, int n) {
        long total = parts.stream().mapToLong(p -> p.part().bytes()).sum();
        List<List<StagedPart>> ranges = new ArrayList<>();
        List<StagedPart> current = new ArrayList<>();
        long size = 0;
        for (StagedPart part : parts) {
            current.add(part);
            size += part.part().bytes();
            if (size * n >= total * (ranges.size() + 1) && ranges.size() < n - 1) {
                ranges.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            ranges.add(current);
        }
        return ranges;
    }

    private final String prefix = "parts-" + Long.toHexString(System.nanoTime()) + "-";

    /** A large part's stored bytes to a file of its own, size and SHA-256 verified, its header checked. */
    private Path copy(StagedPart part, PartOpener opener, List<String> names) throws IOException {
        boolean gzip = part.manifest().dialect().compression() == dev.sliceflow.request.Compression.GZIP;
        Path file = Files.createTempFile(scratch, prefix, gzip ? ".csv.gz" : ".csv");
        try {
            PartStream.copyStored(part, opener, names, file);
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    private Path write(List<StagedPart> range, PartOpener opener, List<String> names,
                       Map<List<String>, Integer> origins) throws IOException {
        Path file = Files.createTempFile(scratch, prefix, ".csv");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (StagedPart part : range) {
                try (InputStream in = new PartStream(part, opener, names, "," + origins.get(metadata(part)))) {
                    in.transferTo(out);
                } catch (ManifestFailure e) {
                    throw e;
                } catch (IOException | RuntimeException e) {
                    throw new ManifestFailure(part.manifestKey(), new dev.sliceflow.destination.TransientLoadException(
                            "cannot stage part " + part.part().key() + " for DuckDB: " + e.getMessage(), e));
                }
            }
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }
}

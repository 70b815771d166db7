package dev.sliceflow.local.warehouse;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.warehouse.JdbcWarehouse;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.VerifyingInputStream;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.io.BufferedInputStream;
import java.io.EOFException;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * DuckDB, the local mode's embedded warehouse. DuckDB reads files, not streams (and has no S3 access offline): each
 * part is downloaded to a temporary file (decompressed on the way, so DuckDB reads it in parallel), verified (size,
 * SHA-256 of the stored bytes) before DuckDB sees it, and inserted with
 * {@code read_csv} and every CSV option stated ({@link #insertSql}). One writer per database file: every instance on
 * the same file shares one lock, so concurrent loaders queue instead of failing on DuckDB's write conflicts.
 */
public final class DuckDbWarehouse extends JdbcWarehouse {
    private static final int BUFFER = 64 * 1024;
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Map<ColumnType, String> TYPES = Map.of(
            ColumnType.STRING, "VARCHAR",
            ColumnType.LONG, "BIGINT",
            ColumnType.DOUBLE, "DOUBLE",
            ColumnType.DECIMAL, "DECIMAL(" + Column.DECIMAL_PRECISION + "," + Column.DECIMAL_SCALE + ")",
            ColumnType.BOOLEAN, "BOOLEAN",
            ColumnType.TIMESTAMP, "TIMESTAMP WITH TIME ZONE",
            ColumnType.DATE, "DATE",
            ColumnType.JSON, "JSON");

    private final WarehouseConfig config;
    private final Path scratch;

    /**
     * @param config  jdbc:duckdb:/path/to/file.duckdb
     * @param scratch where parts are downloaded (a directory of the loader's own; files are deleted after each part)
     */
    public DuckDbWarehouse(WarehouseConfig config, Path scratch) {
        super(LOCKS.computeIfAbsent(config.url(), url -> new ReentrantLock()));
        this.config = config;
        this.scratch = scratch;
    }

    @Override
    protected Connection openConnection() throws SQLException {
        Connection c = DriverManager.getConnection(config.url(), new Properties());
        try (Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
        }
        return c;
    }

    @Override
    protected String typeName(ColumnType type) {
        return TYPES.get(type);
    }

    @Override
    protected Map<String, String> existingColumns(Connection c, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT column_name, data_type FROM information_schema.columns"
                + " WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")) {
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
    protected void lockForDdl(Connection c, String table) {
        // one writer per database: the shared lock already serialises loads
    }

    @Override
    protected String forUpdate() {
        return "";
    }

    /** The statement that inserts one downloaded part: documented in docs/loading.md. */
    String insertSql(TableSchema schema, Path file, Compression compression) {
        List<String> columns = new ArrayList<>();
        for (Column column : schema.columns()) {
            columns.add("'" + column.name() + "': '" + typeName(column.type()) + "'");
        }
        return "INSERT INTO " + quote(schema.name()) + " (" + columnList(schema) + ")"
                + " SELECT *, ?, CAST(? AS TIMESTAMP WITH TIME ZONE), ?, ?, ? FROM read_csv("
                + "'" + file.toAbsolutePath().toString().replace("'", "''") + "'"
                + ", header = true, delim = ',', quote = '\"', escape = '\"', new_line = '\\n', nullstr = '',"
                + " allow_quoted_nulls = false, auto_detect = false, strict_mode = true, encoding = 'utf-8',"
                + " compression = '" + (compression == Compression.GZIP ? "gzip" : "none") + "',"
                + " columns = {" + String.join(", ", columns) + "})";
    }

    @Override
    protected long loadPart(Connection c, TableSchema schema, Manifest manifest, ManifestPart part, PartOpener parts)
            throws SQLException, IOException {
        Files.createDirectories(scratch);
        // decompressed while downloading: DuckDB reads a gzip file on one thread, a plain one in parallel
        Path file = Files.createTempFile(scratch, "part-", ".csv");
        try {
            try (InputStream raw = parts.open(part)) {
                VerifyingInputStream verifying = new VerifyingInputStream(new BufferedInputStream(raw, BUFFER), part);
                try (OutputStream out = Files.newOutputStream(file)) {
                    InputStream csv = manifest.dialect().compression() == Compression.GZIP
                            ? new GZIPInputStream(verifying, BUFFER) : verifying;
                    csv.transferTo(out);
                } catch (ZipException | EOFException e) {
                    verifying.verify();
                    throw e;
                }
                verifying.verify();
            }
            try (PreparedStatement ps = c.prepareStatement(insertSql(schema, file, Compression.NONE))) {
                ps.setString(1, manifest.syncId());
                ps.setString(2, timestamp(manifest.syncTime()));
                ps.setString(3, manifest.source());
                ps.setString(4, manifest.account());
                ps.setString(5, manifest.region());
                return ps.executeUpdate();
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

package dev.sliceflow.warehouse;

import dev.sliceflow.destination.VerifyingInputStream;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL (also Aurora PostgreSQL and RDS). Parts stream from the opener through SHA-256 verification and gzip
 * straight into {@code COPY <table> (<columns>, <metadata>) FROM STDIN}: nothing is staged on disk, and the metadata
 * columns are appended to each CSV record on the way ({@link MetadataColumnsInputStream}), so COPY writes the target
 * table directly.
 */
public final class PostgresWarehouse extends JdbcWarehouse {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresWarehouse.class);
    private static final int BUFFER = 64 * 1024;
    private static final Map<ColumnType, String> TYPES = Map.of(
            ColumnType.STRING, "text",
            ColumnType.LONG, "bigint",
            ColumnType.DOUBLE, "double precision",
            ColumnType.DECIMAL, "numeric(" + Column.DECIMAL_PRECISION + "," + Column.DECIMAL_SCALE + ")",
            ColumnType.BOOLEAN, "boolean",
            ColumnType.TIMESTAMP, "timestamp with time zone",
            ColumnType.DATE, "date",
            ColumnType.JSON, "json");
    /** Key of the advisory lock that serialises creating the ledger tables. */
    private static final long LEDGER_LOCK = 0x51_1CEF_10L;

    /** How long a load waits for a lock by default. */
    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

    private final Supplier<WarehouseConfig> refresh;
    private final Duration lockTimeout;
    private volatile WarehouseConfig config;

    public PostgresWarehouse(WarehouseConfig config) {
        this(config, () -> config, LOCK_TIMEOUT);
    }

    /**
     * @param config      where and who
     * @param refresh     the current configuration, asked once when the server refuses the credentials (28xxx): a
     *                    rotated secret is picked up without a new container
     * @param lockTimeout how long a load waits for a lock (a concurrent loader of the same manifest or slice, DDL)
     *                    before it fails transiently and is retried later
     */
    PostgresWarehouse(WarehouseConfig config, Supplier<WarehouseConfig> refresh, Duration lockTimeout) {
        this.config = config;
        this.refresh = refresh;
        this.lockTimeout = lockTimeout;
    }

    @Override
    protected Connection openConnection() throws SQLException {
        try {
            return connect(config);
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("28")) {
                throw e;
            }
            LOG.warn("the warehouse refused the credentials of {} ({}): reading them again", config.user().orElse("-"),
                    e.getSQLState());
            config = refresh.get();
            return connect(config);
        }
    }

    private Connection connect(WarehouseConfig config) throws SQLException {
        Properties properties = new Properties();
        config.user().ifPresent(user -> properties.setProperty("user", user));
        config.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("ApplicationName", "sliceflow-loader");
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "10");
        Connection c = DriverManager.getConnection(config.url(), properties);
        try (var st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            // A Lambda that dies mid-load sends no FIN: have the server notice within about a minute and roll back,
            // so the manifest's claim and the slice's state locks are not held for the kernel's 2-hour keepalive.
            st.execute("SET tcp_keepalives_idle = 30");
            st.execute("SET tcp_keepalives_interval = 10");
            st.execute("SET tcp_keepalives_count = 3");
            st.execute("SET idle_in_transaction_session_timeout = '5min'");
            // and never wait on a lock until the Lambda's own timeout: fail, roll back, retry later
            st.execute("SET lock_timeout = '" + lockTimeout.toMillis() + "ms'");
        }
        return c;
    }

    @Override
    protected void createLedger(Connection c) throws SQLException {
        // CREATE TABLE IF NOT EXISTS races with itself in PostgreSQL: serialise the first loaders
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LEDGER_LOCK);
            ps.execute();
        }
        super.createLedger(c);
    }

    @Override
    protected List<String> ledgerExtras() {
        return List.of("CREATE INDEX IF NOT EXISTS _sliceflow_loads_sync_id ON " + LOADS + " (sync_id)");
    }

    @Override
    protected String typeName(ColumnType type) {
        return TYPES.get(type);
    }

    @Override
    protected Map<String, String> existingColumns(Connection c, String table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod)"
                + " FROM pg_attribute a WHERE a.attrelid = to_regclass(quote_ident(?)) AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY a.attnum")) {
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
    protected void lockForDdl(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "sliceflow.ddl." + table);
            ps.execute();
        }
    }

    @Override
    protected String forUpdate() {
        return " FOR UPDATE";
    }

    @Override
    protected List<String> afterCreate(String table) {
        // replace and re-load delete by slice: keep that from scanning the whole table
        return List.of("CREATE INDEX ON " + quote(table)
                + " (_account, _region, _source, _sync_id)");
    }

    /** The COPY statement for a table's part: documented in docs/loading.md. */
    static String copySql(TableSchema schema) {
        return "COPY " + quote(schema.name()) + " (" + columnList(schema) + ") FROM STDIN WITH (FORMAT csv,"
                + " HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL '', ENCODING 'UTF8')";
    }

    /**
     * After a failed COPY: the part's size/checksum mismatch if there is one (transient, and the real cause), else
     * the original failure.
     */
    private static <E extends Exception> E mismatchOr(VerifyingInputStream verifying, E failure) {
        try {
            verifying.verify();
        } catch (TransientLoadException mismatch) {
            mismatch.addSuppressed(failure);
            throw mismatch;
        } catch (IOException | RuntimeException unreadable) {
            failure.addSuppressed(unreadable);
        }
        return failure;
    }

    @Override
    protected long loadPart(Connection c, TableSchema schema, Manifest manifest, ManifestPart part, PartOpener parts)
            throws SQLException, IOException {
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        String metadata = ",\"" + manifest.syncId() + "\",\"" + timestamp(manifest.syncTime()) + "\",\""
                + manifest.source() + "\",\"" + manifest.account() + "\",\"" + manifest.region() + "\"";
        String header = "," + String.join(",", METADATA_COLUMNS);
        try (InputStream raw = parts.open(part)) {
            VerifyingInputStream verifying = new VerifyingInputStream(new BufferedInputStream(raw, BUFFER), part);
            long rows;
            try {
                InputStream csv = manifest.dialect().compression() == Compression.GZIP
                        ? new GZIPInputStream(verifying, BUFFER) : verifying;
                rows = copy.copyIn(copySql(schema), new MetadataColumnsInputStream(csv, header, metadata), BUFFER);
            } catch (SQLException e) {
                // CSV that the server refused: most likely not the bytes the manifest lists
                throw mismatchOr(verifying, e);
            } catch (IOException e) {
                // corrupt gzip, or the part's stream broke
                throw mismatchOr(verifying, e);
            }
            verifying.verify();
            return rows;
        }
    }
}

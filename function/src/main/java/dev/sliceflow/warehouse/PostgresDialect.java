package dev.sliceflow.warehouse;

import static dev.sliceflow.warehouse.Sql.LOADS;
import static dev.sliceflow.warehouse.Sql.quote;

import dev.sliceflow.csv.CsvFields;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL (also Aurora PostgreSQL and RDS). Every part of a table in a batch streams from the opener through
 * SHA-256 verification, gzip and the header check, is converted record by record to PostgreSQL's binary format and
 * extended with its own manifest's metadata values ({@link PostgresBinaryRows}), into ONE
 * {@code COPY <table> (<columns>, <metadata>) FROM STDIN WITH (FORMAT binary)}: nothing is staged on disk, and the
 * server parses no text.
 */
public final class PostgresDialect implements SqlDialect {
    /** {@link #metadataTextType()}, for the benches that build the loader's table shape by hand. */
    public static final String METADATA_TEXT_TYPE = "text COLLATE \"C\"";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresDialect.class);
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
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(60);

    private final Supplier<WarehouseConfig> refresh;
    private final Duration lockTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    /** Splits the parts' records; one COPY at a time uses it (the lock above holds for each transaction). */
    private final CsvFields reader = new CsvFields(InputStream.nullInputStream());
    private volatile WarehouseConfig config;

    /**
     * @param config      where and who
     * @param refresh     the current configuration, asked once when the server refuses the credentials (28xxx): a
     *                    rotated secret is picked up without a new container
     * @param lockTimeout how long a load waits for a lock (a concurrent loader of the same manifest or slice, DDL)
     *                    before it fails transiently and is retried later
     */
    public PostgresDialect(WarehouseConfig config, Supplier<WarehouseConfig> refresh, Duration lockTimeout) {
        this.config = config;
        this.refresh = refresh;
        this.lockTimeout = lockTimeout;
    }

    @Override
    public Connection connect() throws SQLException {
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
    public void beforeLedgerDdl(Connection c) throws SQLException {
        // CREATE TABLE IF NOT EXISTS races with itself in PostgreSQL: serialise the first loaders
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LEDGER_LOCK);
            ps.execute();
        }
    }

    @Override
    public List<String> ledgerExtras() {
        return List.of("CREATE INDEX IF NOT EXISTS _sliceflow_loads_sync_id ON " + LOADS + " (sync_id)");
    }

    @Override
    public String typeName(ColumnType type) {
        return TYPES.get(type);
    }

    @Override
    public Map<String, String> existingColumns(Connection c, String table) throws SQLException {
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
    public void lockForDdl(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
            ps.setString(1, "sliceflow.ddl." + table);
            ps.execute();
        }
    }

    @Override
    public String lockStateRows() {
        // byte order, as Java sorts the batch: every loader locks in the same order
        return " ORDER BY s.source COLLATE \"C\", s.table_name COLLATE \"C\", s.account COLLATE \"C\","
                + " s.region COLLATE \"C\" FOR UPDATE OF s";
    }

    @Override
    public String columnarRows(List<String> names) {
        return "unnest(" + String.join(", ", Collections.nCopies(names.size(), "?::text[]")) + ") AS v ("
                + String.join(", ", names) + ")";
    }

    @Override
    public String textArrayType() {
        return "text";
    }

    /**
     * Byte order, whatever the database's locale: COPY inserts every row into the slice index, and comparing by the
     * locale (strcoll) costs more than comparing bytes (COPY 9-11 % faster under C.UTF-8, `bench/run slice-index`).
     * The loader's DELETE compares these columns with parameters, which take the column's collation, so the index
     * still serves it. A user's ORDER BY on them sorts bytes.
     */
    @Override
    public String metadataTextType() {
        return METADATA_TEXT_TYPE;
    }

    @Override
    public List<String> afterCreate(String table) {
        // replace and re-load delete by slice: keep that from scanning the whole table
        return List.of("CREATE INDEX ON " + quote(table) + " (_account, _region, _source, _sync_id)");
    }

    /**
     * 22xxx: a value the column type refuses; 54xxx: a program limit (more than 1,600 columns, a row too big);
     * 42601/42804/42P16 and the like cannot pass either, but name our own SQL, so they stay transient and visible.
     */
    @Override
    public boolean isPermanent(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("54"));
    }

    @Override
    public ReentrantLock writerLock() {
        return lock;
    }

    /** The COPY statement of a table's parts: documented in docs/loading.md. */
    public static String copySql(TableSchema schema) {
        return "COPY " + quote(schema.name()) + " (" + Sql.columnList(schema) + ") FROM STDIN WITH (FORMAT binary)";
    }

    /**
     * Every part, converted as it streams ({@link PostgresBinaryRows}), into one binary COPY. A part that is not what
     * its manifest lists, or a value its column refuses, cancels the COPY and fails its manifest alone.
     */
    @Override
    public long bulkLoad(Connection c, TableSchema schema, List<StagedPart> parts, PartOpener opener)
            throws SQLException, IOException {
        CopyIn copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(schema));
        try {
            PostgresBinaryRows rows = new PostgresBinaryRows(copy::writeToCopy, reader);
            rows.begin();
            for (StagedPart part : parts) {
                rows.part(part, schema.columns(), opener);
            }
            rows.end();
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException e) {
                    LOG.debug("cancelling the COPY: {}", e.getMessage());
                }
            }
        }
    }
}

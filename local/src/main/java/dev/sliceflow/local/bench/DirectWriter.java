package dev.sliceflow.local.bench;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.csv.CSVPrinter;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * The architecture the seed replaces: N workers, each a source plugin wired to a PostgreSQL destination plugin,
 * writing its slices straight into the database. Each worker holds one connection for its whole run (as a plugin
 * holds its destination's), migrates the tables if missing, and writes each slice in one transaction: for each table
 * a DELETE of the slice's previous rows (replace mode) and its rows, by multi-row INSERTs or by COPY FROM STDIN.
 * Slice {@code i} goes to worker {@code i mod N}.
 *
 * <p>Failures are counted, never hidden: connecting, migrating and each slice get {@code tries} attempts with a
 * backoff of 200 ms, doubling; a worker that cannot connect fails all of its slices; a slice whose attempts all fail
 * is failed.
 *
 * <p>The tables are the ones sliceflow's PostgreSQL loader creates (same column types, the five metadata columns
 * after the source's, the same slice index on {@code (_account, _region, _source, _sync_id)}), and the rows are the
 * worker's (the synthetic source's generator), so both paths write the same rows into the same shape.
 */
final class DirectWriter {
    /** How a worker writes a table's rows. */
    enum Mode {
        /** Multi-row {@code INSERT ... VALUES (...), (...)} of {@code insertRows} rows each, parameters bound. */
        INSERT,
        /** One {@code COPY ... FROM STDIN (FORMAT csv)} per table per slice, rows streamed as they are made. */
        COPY;

        String label() {
            return "direct-" + name().toLowerCase(Locale.ROOT);
        }
    }

    /** One (account, region). */
    record Slice(String account, String region) {
    }

    /**
     * What the workers did.
     *
     * @param start          System.nanoTime() when the workers were released
     * @param lastCommit     System.nanoTime() of the last slice committed (-1 if none)
     * @param failedSlices   slices not written
     * @param refusedWorkers workers that never got a connection
     * @param retries        attempts that failed and were tried again
     * @param errors         each distinct failure message (first line) and how often it occurred
     */
    record Result(long start, long lastCommit, int failedSlices, int refusedWorkers, long retries,
                  Map<String, Integer> errors) {
    }

    /** Opens one connection as the role under test. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private static final Map<ColumnType, String> TYPES = Map.of(
            ColumnType.STRING, "text",
            ColumnType.LONG, "bigint",
            ColumnType.DOUBLE, "double precision",
            ColumnType.DECIMAL, "numeric(" + Column.DECIMAL_PRECISION + "," + Column.DECIMAL_SCALE + ")",
            ColumnType.BOOLEAN, "boolean",
            ColumnType.TIMESTAMP, "timestamp with time zone",
            ColumnType.DATE, "date",
            ColumnType.JSON, "json");
    private static final List<String> METADATA = List.of("_sync_id", "_sync_time", "_source", "_account", "_region");
    private static final long MIGRATE_LOCK = 0x5EED_0001L;

    private final Connector connector;
    private final List<TableSchema> tables;
    private final Mode mode;
    private final long rowsPerTable;
    private final long seed;
    private final int insertRows;
    private final int tries;
    private final String syncId;
    private final Instant syncTime;
    private final String source;

    DirectWriter(Connector connector, List<TableSchema> tables, Mode mode, long rowsPerTable, long seed,
                 int insertRows, int tries, String syncId, Instant syncTime, String source) {
        this.connector = connector;
        this.tables = tables;
        this.mode = mode;
        this.rowsPerTable = rowsPerTable;
        this.seed = seed;
        this.insertRows = insertRows;
        this.tries = tries;
        this.syncId = syncId;
        this.syncTime = syncTime;
        this.source = source;
    }

    /** Runs {@code workers} workers over {@code slices}, released together once every thread is up. */
    Result run(List<Slice> slices, int workers) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(workers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong lastCommit = new AtomicLong(-1);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicLong retries = new AtomicLong();
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            List<Slice> mine = new ArrayList<>();
            for (int i = w; i < slices.size(); i += workers) {
                mine.add(slices.get(i));
            }
            Worker worker = new Worker(mine, lastCommit, failed, refused, retries, errors);
            Thread thread = new Thread(() -> {
                try {
                    ready.countDown();
                    go.await();
                    worker.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "seed-direct-" + w);
            thread.start();
            threads.add(thread);
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result(start, lastCommit.get(), failed.get(), refused.get(), retries.get(), Map.copyOf(errors));
    }

    private final class Worker {
        private final List<Slice> slices;
        private final AtomicLong lastCommit;
        private final AtomicInteger failed;
        private final AtomicInteger refused;
        private final AtomicLong retries;
        private final Map<String, Integer> errors;
        private final Map<String, PreparedStatement> statements = new HashMap<>();
        private Connection connection;

        Worker(List<Slice> slices, AtomicLong lastCommit, AtomicInteger failed, AtomicInteger refused,
               AtomicLong retries, Map<String, Integer> errors) {
            this.slices = slices;
            this.lastCommit = lastCommit;
            this.failed = failed;
            this.refused = refused;
            this.retries = retries;
            this.errors = errors;
        }

        void run() throws InterruptedException {
            try {
                if (!connect()) {
                    refused.incrementAndGet();
                    failed.addAndGet(slices.size());
                    return;
                }
                for (int i = 0; i < slices.size(); i++) {
                    if (!writeWithRetries(slices.get(i))) {
                        failed.incrementAndGet();
                        if (connection == null) {
                            // lost the connection and cannot get it back: the rest fail with it
                            failed.addAndGet(slices.size() - i - 1);
                            return;
                        }
                    }
                }
            } finally {
                disconnect();
            }
        }

        /** Connects and migrates, {@code tries} times at most. */
        private boolean connect() throws InterruptedException {
            for (int attempt = 1; attempt <= tries; attempt++) {
                try {
                    connection = connector.open();
                    connection.setAutoCommit(false);
                    migrate(connection);
                    return true;
                } catch (SQLException e) {
                    error(e);
                    disconnect();
                    if (attempt < tries) {
                        retries.incrementAndGet();
                        backoff(attempt);
                    }
                }
            }
            return false;
        }

        private boolean writeWithRetries(Slice slice) throws InterruptedException {
            for (int attempt = 1; attempt <= tries; attempt++) {
                try {
                    write(connection, slice);
                    connection.commit();
                    lastCommit.accumulateAndGet(System.nanoTime(), Math::max);
                    return true;
                } catch (SQLException | IOException e) {
                    error(e);
                    rollback();
                    if (attempt == tries) {
                        return false;
                    }
                    retries.incrementAndGet();
                    backoff(attempt);
                    if (!valid() && !connect()) {
                        return false;
                    }
                }
            }
            return false;
        }

        private void write(Connection c, Slice slice) throws SQLException, IOException {
            for (TableSchema table : tables) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + SeedDatabase.quote(table.name())
                        + " WHERE _source = ? AND _account = ? AND _region = ?")) {
                    ps.setString(1, source);
                    ps.setString(2, slice.account());
                    ps.setString(3, slice.region());
                    ps.executeUpdate();
                }
                if (mode == Mode.COPY) {
                    copy(c, table, slice);
                } else {
                    insert(c, table, slice);
                }
            }
        }

        private void insert(Connection c, TableSchema table, Slice slice) throws SQLException {
            int width = table.width();
            for (long from = 0; from < rowsPerTable; from += insertRows) {
                int n = (int) Math.min(insertRows, rowsPerTable - from);
                PreparedStatement ps = statement(c, table, n);
                int p = 1;
                for (long i = from; i < from + n; i++) {
                    Object[] row = SyntheticSourceFactory.row(table, seed, slice.account(), slice.region(), i);
                    for (int col = 0; col < width; col++) {
                        bind(ps, p++, table.column(col).type(), row[col]);
                    }
                    ps.setString(p++, syncId);
                    ps.setObject(p++, OffsetDateTime.ofInstant(syncTime, ZoneOffset.UTC));
                    ps.setString(p++, source);
                    ps.setString(p++, slice.account());
                    ps.setString(p++, slice.region());
                }
                ps.executeUpdate();
            }
        }

        /** One prepared statement per (table, rows) per connection: the server parses each once. */
        private PreparedStatement statement(Connection c, TableSchema table, int rows) throws SQLException {
            String key = table.name() + "/" + rows;
            PreparedStatement cached = statements.get(key);
            if (cached != null) {
                return cached;
            }
            List<String> values = new ArrayList<>();
            for (Column column : table.columns()) {
                values.add(column.type() == ColumnType.JSON ? "CAST(? AS json)" : "?");
            }
            values.addAll(List.of("?", "?", "?", "?", "?"));
            String tuple = "(" + String.join(", ", values) + ")";
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(SeedDatabase.quote(table.name()))
                    .append(" (").append(columnList(table)).append(") VALUES ");
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ", ").append(tuple);
            }
            PreparedStatement ps = c.prepareStatement(sql.toString());
            statements.put(key, ps);
            return ps;
        }

        private void copy(Connection c, TableSchema table, Slice slice) throws SQLException, IOException {
            String sql = "COPY " + SeedDatabase.quote(table.name()) + " (" + columnList(table) + ") FROM STDIN WITH"
                    + " (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL '', ENCODING 'UTF8')";
            String[] metadata = {syncId, CsvDialect.encode(ColumnType.TIMESTAMP, syncTime), source, slice.account(),
                    slice.region()};
            PGCopyOutputStream out = new PGCopyOutputStream(c.unwrap(PGConnection.class), sql, 1 << 16);
            try {
                Writer writer = new OutputStreamWriter(out, CsvDialect.CHARSET);
                CSVPrinter printer = new CSVPrinter(writer, CsvDialect.FORMAT);
                List<String> fields = new ArrayList<>(table.width() + metadata.length);
                for (long i = 0; i < rowsPerTable; i++) {
                    Object[] row = SyntheticSourceFactory.row(table, seed, slice.account(), slice.region(), i);
                    fields.clear();
                    for (int col = 0; col < row.length; col++) {
                        fields.add(row[col] == null ? null : CsvDialect.encode(table.column(col).type(), row[col]));
                    }
                    fields.addAll(List.of(metadata));
                    printer.printRecord(fields);
                }
                printer.flush();
                out.endCopy();
            } finally {
                if (out.isActive()) {
                    out.cancelCopy();
                }
            }
        }

        private void rollback() {
            try {
                if (connection != null) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // the connection is broken: valid() says so next
            }
        }

        private boolean valid() {
            try {
                if (connection != null && connection.isValid(2)) {
                    return true;
                }
            } catch (SQLException ignored) {
                // broken
            }
            disconnect();
            return false;
        }

        private void disconnect() {
            statements.clear();
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // closing a broken connection
                }
                connection = null;
            }
        }

        private void error(Exception e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            errors.merge(message, 1, Integer::sum);
        }
    }

    /**
     * Creates the tables if missing, as a destination plugin's migration does; an advisory lock serialises
     * concurrent workers (CREATE TABLE IF NOT EXISTS races with itself).
     */
    private void migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + MIGRATE_LOCK + ")");
            for (TableSchema table : tables) {
                List<String> columns = new ArrayList<>();
                for (Column column : table.columns()) {
                    columns.add(SeedDatabase.quote(column.name()) + " " + TYPES.get(column.type()));
                }
                for (String meta : METADATA) {
                    columns.add(meta + " " + (meta.equals("_sync_time") ? TYPES.get(ColumnType.TIMESTAMP)
                            : dev.sliceflow.warehouse.PostgresDialect.METADATA_TEXT_TYPE));
                }
                st.execute("CREATE TABLE IF NOT EXISTS " + SeedDatabase.quote(table.name()) + " ("
                        + String.join(", ", columns) + ")");
                st.execute("CREATE INDEX IF NOT EXISTS " + SeedDatabase.quote(table.name() + "_slice") + " ON "
                        + SeedDatabase.quote(table.name()) + " (_account, _region, _source, _sync_id)");
            }
        }
        c.commit();
    }

    private static String columnList(TableSchema table) {
        List<String> names = new ArrayList<>();
        for (Column column : table.columns()) {
            names.add(SeedDatabase.quote(column.name()));
        }
        names.addAll(METADATA);
        return String.join(", ", names);
    }

    private static void bind(PreparedStatement ps, int index, ColumnType type, Object value) throws SQLException {
        if (value == null) {
            ps.setNull(index, switch (type) {
                case STRING, JSON -> Types.VARCHAR;
                case LONG -> Types.BIGINT;
                case DOUBLE -> Types.DOUBLE;
                case DECIMAL -> Types.NUMERIC;
                case BOOLEAN -> Types.BOOLEAN;
                case TIMESTAMP -> Types.TIMESTAMP_WITH_TIMEZONE;
                case DATE -> Types.DATE;
            });
            return;
        }
        switch (type) {
            case STRING, JSON -> ps.setString(index, (String) value);
            case LONG -> ps.setLong(index, (Long) value);
            case DOUBLE -> ps.setDouble(index, (Double) value);
            case DECIMAL -> ps.setBigDecimal(index, (BigDecimal) value);
            case BOOLEAN -> ps.setBoolean(index, (Boolean) value);
            case TIMESTAMP -> ps.setObject(index, OffsetDateTime.ofInstant(((Instant) value)
                    .truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC));
            case DATE -> ps.setObject(index, (LocalDate) value);
        }
    }

    private static void backoff(int attempt) throws InterruptedException {
        Thread.sleep(200L << (attempt - 1));
    }
}

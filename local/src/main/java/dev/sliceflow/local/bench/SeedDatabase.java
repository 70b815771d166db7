package dev.sliceflow.local.bench;

import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.TableSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The seed bench's side of PostgreSQL: a role every pipeline connection uses (its CONNECTION LIMIT is the bench's
 * {@code max_connections}), one fresh database per run, and the probes: peak connections, the cluster's CPU, and
 * what a run left in the tables. The bench's own connections (these probes) log in as the superuser, outside the
 * role's limit, so measuring never takes a slot from the pipeline.
 */
final class SeedDatabase implements AutoCloseable {
    /** The role of every connection of the pipeline under test: direct workers and loaders alike. */
    static final String ROLE = "sliceflow_seed";

    private final String url;
    private final String user;
    private final String password;
    private final String rolePassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    private final Connection admin;

    private SeedDatabase(String url, String user, String password) throws SQLException {
        this.url = url;
        this.user = user;
        this.password = password;
        this.admin = DriverManager.getConnection(url, user, password);
        admin.setAutoCommit(true);
        try (Statement st = admin.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
        }
    }

    /** Connects as the superuser {@code user} and (re)creates the pipeline's role, with no limit yet. */
    static SeedDatabase open(String url, String user, String password) throws SQLException {
        SeedDatabase db = new SeedDatabase(url, user, password);
        try (Statement st = db.admin.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + ROLE + "'")) {
                if (!rs.next()) {
                    st.execute("CREATE ROLE " + ROLE + " LOGIN");
                }
            }
            // a password too, so the bench also runs against a server that does not trust loopback
            st.execute("ALTER ROLE " + ROLE + " PASSWORD '" + db.rolePassword + "'");
        }
        db.limit(-1);
        return db;
    }

    String rolePassword() {
        return rolePassword;
    }

    String version() throws SQLException {
        return scalar("SHOW server_version");
    }

    int maxConnections() throws SQLException {
        return Integer.parseInt(scalar("SHOW max_connections"));
    }

    /** The role's CONNECTION LIMIT: at most {@code connections} at once (-1: none but the server's). */
    void limit(int connections) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("ALTER ROLE " + ROLE + " CONNECTION LIMIT " + connections);
        }
    }

    /** Drops {@code name} (closing whatever is still connected to it) and creates it empty, owned by the role. */
    void recreate(String name) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + name + " OWNER " + ROLE);
        }
    }

    void drop(String name) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** The JDBC URL of another database of the same server. */
    String url(String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        int slash = base.indexOf('/', "jdbc:postgresql://".length());
        return (slash < 0 ? base : base.substring(0, slash)) + "/" + database + params;
    }

    /** A connection as the pipeline's role, counted against its limit. */
    Connection connectAsRole(String database, String applicationName) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", ROLE);
        properties.setProperty("password", rolePassword);
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url(database), properties);
    }

    /** Connections of the role right now. */
    int roleConnections() throws SQLException {
        return Integer.parseInt(scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + ROLE + "'"));
    }

    /** Waits (at most 10 s) until the role holds no connection: the previous run's are gone. */
    void awaitNoRoleConnections() throws SQLException, InterruptedException {
        for (int i = 0; i < 200 && roleConnections() > 0; i++) {
            Thread.sleep(50);
        }
    }

    private String scalar(String sql) throws SQLException {
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The cluster's CPU, if the server is a local process whose /proc this user can read. */
    Optional<ClusterCpu> clusterCpu() throws SQLException {
        long backend = Long.parseLong(scalar("SELECT pg_backend_pid()"));
        return ClusterCpu.of(backend);
    }

    /** Samples the role's connections in pg_stat_activity on its own superuser connection until closed. */
    PeakConnections peakConnections() throws SQLException {
        return new PeakConnections(DriverManager.getConnection(url, user, password));
    }

    /**
     * What a run left in one database: rows per table, the slices whose every table holds exactly
     * {@code rowsPerTable} rows, and per table a checksum of every row's values (the source's columns and
     * {@code _source}, {@code _account}, {@code _region}; not {@code _sync_id} or {@code _sync_time}, which name the
     * run): order-independent, so two databases holding the same rows compare equal.
     */
    Contents contents(String database, List<TableSchema> tables, long rowsPerTable) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(database), user, password);
             Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
            Map<String, Long> rows = new LinkedHashMap<>();
            Map<String, String> checksums = new LinkedHashMap<>();
            List<String> perSlice = new ArrayList<>();
            for (TableSchema table : tables) {
                if (!exists(c, table.name())) {
                    rows.put(table.name(), 0L);
                    checksums.put(table.name(), "-");
                    continue;
                }
                List<String> columns = new ArrayList<>();
                for (Column column : table.columns()) {
                    columns.add(quote(column.name()));
                }
                columns.addAll(List.of("_source", "_account", "_region"));
                try (ResultSet rs = st.executeQuery("SELECT count(*), coalesce(sum(hashtextextended(ROW("
                        + String.join(", ", columns) + ")::text, 0)), 0) FROM " + quote(table.name()))) {
                    rs.next();
                    rows.put(table.name(), rs.getLong(1));
                    checksums.put(table.name(), rs.getString(2));
                }
                perSlice.add("SELECT _account, _region, count(*) AS n FROM " + quote(table.name())
                        + " GROUP BY _account, _region");
            }
            long complete = 0;
            if (perSlice.size() == tables.size()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM (SELECT _account, _region FROM ("
                        + String.join(" UNION ALL ", perSlice) + ") t WHERE n = ? GROUP BY _account, _region"
                        + " HAVING count(*) = ?) s")) {
                    ps.setLong(1, rowsPerTable);
                    ps.setInt(2, tables.size());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        complete = rs.getLong(1);
                    }
                }
            }
            return new Contents(rows, checksums, complete);
        }
    }

    private static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(quote_ident(?)) IS NOT NULL")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    @Override
    public void close() throws SQLException {
        try {
            limit(-1);
        } finally {
            admin.close();
        }
    }

    /**
     * What one database holds after a run.
     *
     * @param rows           rows per table
     * @param checksums      per table, the sum of a 64-bit hash of every row's values
     * @param slicesComplete slices whose every table holds exactly the rows it should
     */
    record Contents(Map<String, Long> rows, Map<String, String> checksums, long slicesComplete) {
        long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Polls {@code pg_stat_activity} every 50 ms for the role's connections, keeping the peak. */
    static final class PeakConnections implements AutoCloseable {
        private final AtomicInteger peak = new AtomicInteger();
        private final Connection connection;
        private final Thread thread;
        private volatile boolean running = true;

        private PeakConnections(Connection connection) {
            this.connection = connection;
            thread = new Thread(this::run, "seed-connections");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            try (PreparedStatement ps = connection.prepareStatement(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + ROLE + "'")) {
                while (running) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        peak.accumulateAndGet(rs.getInt(1), Math::max);
                    }
                    Thread.sleep(50);
                }
            } catch (SQLException e) {
                if (running) {
                    System.err.println("seed: the connection sampler stopped: " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        int peak() {
            return peak.get();
        }

        @Override
        public void close() throws SQLException, InterruptedException {
            running = false;
            thread.join();
            connection.close();
        }
    }

    /**
     * CPU seconds of a local PostgreSQL cluster from /proc: the postmaster's own time, the time of its children it
     * has reaped ({@code cutime + cstime} in its /proc/PID/stat: every backend that came and went, refused
     * connections included), and the time of every child alive now (background processes, backends still
     * connected). A child reaped between two reads would be counted twice or not at all; the postmaster is read
     * before and after the children, and the read is taken again when its reaped time moved.
     */
    static final class ClusterCpu {
        private final long postmaster;
        private final double ticksPerSecond;

        private ClusterCpu(long postmaster, double ticksPerSecond) {
            this.postmaster = postmaster;
            this.ticksPerSecond = ticksPerSecond;
        }

        static Optional<ClusterCpu> of(long backend) {
            try {
                long parent = Long.parseLong(fields(backend)[1]);
                String command = Files.readString(Path.of("/proc", Long.toString(parent), "cmdline"),
                        StandardCharsets.ISO_8859_1);
                if (!command.contains("postgres")) {
                    return Optional.empty();
                }
                return Optional.of(new ClusterCpu(parent, ticksPerSecond()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // not a local server (or no /proc)
            }
        }

        long postmasterPid() {
            return postmaster;
        }

        /** The cluster's CPU seconds so far (user + system). */
        double seconds() throws IOException {
            for (int attempt = 0; attempt < 20; attempt++) {
                long[] before = times(postmaster);
                long children = 0;
                try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
                    for (Path entry : (Iterable<Path>) entries::iterator) {
                        String name = entry.getFileName().toString();
                        if (!name.chars().allMatch(Character::isDigit)) {
                            continue;
                        }
                        try {
                            String[] f = fields(Long.parseLong(name));
                            if (Long.parseLong(f[1]) == postmaster) {
                                children += Long.parseLong(f[11]) + Long.parseLong(f[12])
                                        + Long.parseLong(f[13]) + Long.parseLong(f[14]);
                            }
                        } catch (IOException | RuntimeException gone) {
                            // exited while we listed: the postmaster's reaped time has it, checked below
                        }
                    }
                }
                long[] after = times(postmaster);
                if (before[1] == after[1]) {
                    return (after[0] + after[1] + children) / ticksPerSecond;
                }
            }
            throw new IOException("the cluster's processes kept exiting while their CPU was read");
        }

        /** {own utime + stime, reaped children's cutime + cstime} of a process, in clock ticks. */
        private static long[] times(long pid) throws IOException {
            String[] f = fields(pid);
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]),
                    Long.parseLong(f[13]) + Long.parseLong(f[14])};
        }

        /** /proc/PID/stat after the command name: [0] is field 3 (state), [1] ppid, [11] utime ... [14] cstime. */
        private static String[] fields(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        }

        private static double ticksPerSecond() {
            try {
                Process process = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                return process.waitFor() == 0 ? Double.parseDouble(out) : 100;
            } catch (IOException | RuntimeException e) {
                return 100; // Linux's USER_HZ nearly everywhere
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 100;
            }
        }
    }
}

package dev.sliceflow.local.bench;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * How a PostgreSQL table finds a slice's rows to replace them, measured (docs/decisions.md, "slice index"): each
 * variant loads {@code --slices} new slices in batches of {@code --batch} (one DELETE of the batch's slices + one COPY,
 * one transaction, as the loader does), then replaces every slice once more in a shuffled order. Reported per variant:
 * COPY's rows/s, the time per batch over the first and the last fifth of the first pass (growth with the table), the
 * replace pass's time per batch, and the index size; beside the limit from the same run, a COPY of the same rows into a
 * table without metadata columns or index.
 * <pre>
 * bench/run slice-index [--slices 20000] [--rows 100] [--batch 100] [--variants btree-4,btree-4-c,...]
 * </pre>
 */
final class SliceIndexBench {
    /** The user columns of the bench table; the loader's tables add the five metadata columns. */
    private static final String USER_COLUMNS = "id bigint, name text, score double precision, created timestamptz";
    private static final String META_COLUMNS =
            "_sync_id text, _sync_time timestamptz, _source text, _account text, _region text";
    private static final String[] REGIONS = {"us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1",
        "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
        "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ca-central-1", "sa-east-1"};

    /**
     * A way to index the table for the slice DELETE: {@code ddl} runs after CREATE TABLE ("%s" the table);
     * {@code predicate} is added to the DELETE's join condition so that an expression index can be used.
     */
    record Variant(String name, List<String> ddl, String predicate) {
    }

    private static final String HASH = "hashtext(%s._account || '/' || %s._region)";

    static final List<Variant> VARIANTS = List.of(
            new Variant("btree-4", List.of("CREATE INDEX ON %s (_account, _region, _source, _sync_id)"), ""),
            new Variant("btree-4-c", List.of(
                    "ALTER TABLE %s ALTER COLUMN _account TYPE text COLLATE \"C\","
                            + " ALTER COLUMN _region TYPE text COLLATE \"C\","
                            + " ALTER COLUMN _source TYPE text COLLATE \"C\","
                            + " ALTER COLUMN _sync_id TYPE text COLLATE \"C\"",
                    "CREATE INDEX ON %s (_account, _region, _source, _sync_id)"), ""),
            new Variant("btree-2", List.of("CREATE INDEX ON %s (_account, _region)"), ""),
            new Variant("btree-account", List.of("CREATE INDEX ON %s (_account)"), ""),
            new Variant("btree-hash", List.of("CREATE INDEX ON %s ((" + HASH.formatted("%1$s", "%1$s") + "))"),
                    " AND " + HASH.formatted("t", "t") + " = hashtext(v.k1 || '/' || v.k2)"),
            new Variant("hash-account", List.of("CREATE INDEX ON %s USING hash (_account)"), ""),
            new Variant("brin-account", List.of("CREATE INDEX ON %s USING brin (_account)"), ""),
            new Variant("none", List.of(), ""));

    private SliceIndexBench() {
    }

    public static void main(String[] args) throws Exception {
        int slices = 20_000;
        int rows = 100;
        int batch = 100;
        String url = null;
        String user = null;
        String password = null;
        List<String> only = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--slices" -> slices = Integer.parseInt(value);
                case "--rows" -> rows = Integer.parseInt(value);
                case "--batch" -> batch = Integer.parseInt(value);
                case "--postgres-url" -> url = value;
                case "--postgres-user" -> user = value;
                case "--postgres-password" -> password = value;
                case "--variants" -> only = List.of(value.split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("slice-index needs PostgreSQL (bench/run starts a throwaway cluster)");
        }
        List<String[]> all = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            all.add(new String[] {String.format("%012d", 100_000_000_000L + s / REGIONS.length),
                REGIONS[s % REGIONS.length]});
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            c.setAutoCommit(false);
            double plain = plainCopy(c, slices / 5 * rows, rows);
            String collation;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT datcollate FROM pg_database WHERE datname = current_database()")) {
                rs.next();
                collation = rs.getString(1);
            }
            System.out.printf("slice-index: %,d slices x %,d rows, batches of %d, database collation %s;"
                            + " limit: COPY into the bare table %.0f rows/s%n", slices, rows, batch, collation, plain);
            for (Variant variant : VARIANTS) {
                if (only != null && !only.contains(variant.name())) {
                    continue;
                }
                run(c, variant, all, rows, batch, plain);
            }
        }
    }

    private static void run(Connection c, Variant variant, List<String[]> slices, int rows, int batch, double plain)
            throws SQLException, java.io.IOException {
        String table = "slice_bench";
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
            st.execute("CREATE TABLE " + table + " (" + USER_COLUMNS + ", " + META_COLUMNS + ")");
            for (String ddl : variant.ddl()) {
                st.execute(ddl.replace("%1$s", table).replace("%s", table));
            }
        }
        c.commit();
        int batches = slices.size() / batch;
        long[] first = new long[batches];
        long copyNanos = 0;
        long copied = 0;
        for (int b = 0; b < batches; b++) {
            long[] copy = new long[1];
            first[b] = replace(c, table, variant, slices.subList(b * batch, (b + 1) * batch), rows, "s1", copy);
            copyNanos += copy[0];
            copied += (long) batch * rows;
        }
        vacuum(c, table);
        List<String[]> shuffled = new ArrayList<>(slices);
        Collections.shuffle(shuffled, new Random(42));
        long secondTotal = 0;
        for (int b = 0; b < batches; b++) {
            secondTotal += replace(c, table, variant, shuffled.subList(b * batch, (b + 1) * batch), rows, "s2", new long[1]);
        }
        int fifth = Math.max(1, batches / 5);
        double early = avgMillis(first, 0, fifth);
        double late = avgMillis(first, batches - fifth, batches);
        double copyRate = copied / (copyNanos / 1e9);
        long indexBytes = 0;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_indexes_size('" + table + "')")) {
            rs.next();
            indexBytes = rs.getLong(1);
        }
        c.commit();
        System.out.printf("slice-index-%s: copy %.0f rows/s (%.2f of bare), first pass %.1f ms/batch first fifth,"
                        + " %.1f last fifth (growth %.2f), replace pass %.1f ms/batch, index %.0f MB%n",
                variant.name(), copyRate, copyRate / plain, early, late, late / early,
                secondTotal / 1e6 / batches, indexBytes / 1e6);
    }

    /** One loader-like transaction: DELETE the batch's slices, COPY their rows; returns its nanoseconds. */
    private static long replace(Connection c, String table, Variant variant, List<String[]> slices, int rows, String sync,
                                long[] copyNanos) throws SQLException, java.io.IOException {
        long started = System.nanoTime();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < slices.size(); i++) {
            values.append(i == 0 ? "" : ", ").append("(?, ?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " t USING (VALUES " + values
                + ") AS v (k0, k1, k2) WHERE t._source = v.k0 AND t._account = v.k1 AND t._region = v.k2"
                + variant.predicate())) {
            int p = 1;
            for (String[] slice : slices) {
                ps.setString(p++, "aws");
                ps.setString(p++, slice[0]);
                ps.setString(p++, slice[1]);
            }
            ps.executeUpdate();
        }
        StringBuilder csv = new StringBuilder(slices.size() * rows * 120);
        long id = 0;
        for (String[] slice : slices) {
            for (int r = 0; r < rows; r++) {
                csv.append(id++).append(",name-").append(r).append(',').append(r * 0.5)
                        .append(",2026-01-01T00:00:00Z,").append(sync).append(",2026-01-01T00:00:00Z,aws,")
                        .append(slice[0]).append(',').append(slice[1]).append('\n');
            }
        }
        long copyStart = System.nanoTime();
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        copy.copyIn("COPY " + table + " FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
        copyNanos[0] = System.nanoTime() - copyStart;
        c.commit();
        return System.nanoTime() - started;
    }

    /** The limit: the same number of rows, user columns only, no index, one COPY. */
    private static double plainCopy(Connection c, int total, int rows) throws SQLException, java.io.IOException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS slice_bench_bare");
            st.execute("CREATE TABLE slice_bench_bare (" + USER_COLUMNS + ")");
        }
        StringBuilder csv = new StringBuilder(total * 60);
        for (int i = 0; i < total; i++) {
            csv.append(i).append(",name-").append(i % rows).append(',').append((i % rows) * 0.5)
                    .append(",2026-01-01T00:00:00Z\n");
        }
        long started = System.nanoTime();
        c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY slice_bench_bare FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
        c.commit();
        double rate = total / ((System.nanoTime() - started) / 1e9);
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE slice_bench_bare");
        }
        c.commit();
        return rate;
    }

    private static void vacuum(Connection c, String table) throws SQLException {
        c.setAutoCommit(true);
        try (Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE " + table);
        } finally {
            c.setAutoCommit(false);
        }
    }

    private static double avgMillis(long[] nanos, int from, int to) {
        long sum = 0;
        for (int i = from; i < to; i++) {
            sum += nanos[i];
        }
        return sum / 1e6 / (to - from);
    }
}

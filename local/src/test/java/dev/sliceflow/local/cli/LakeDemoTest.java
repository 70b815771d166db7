package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.e2e.SyntheticOracle;
import dev.sliceflow.local.lake.LocalLake;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.testing.TestDirs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code sliceflow demo --warehouse iceberg} end to end: the pipeline loads the lake (SQLite catalog in DIR, data in
 * the local S3), and {@code query} and {@code status} over the lake answer what the DuckDB warehouse answers for the
 * same sync (same sync id, seed and size; only the sync's start time differs between the two runs).
 */
class LakeDemoTest {
    private static final List<String> TABLES = List.of("synthetic_types", "synthetic_resources", "synthetic_events");

    record Run(int exitCode, String out, String err) {
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demoIntoTheLake_thenQueryAndStatus_equalTheDuckDbWarehouseForTheSameSync() throws Exception {
        Path duck = TestDirs.create("demo-duck");
        Path lake = TestDirs.create("demo-lake");
        String[] sync = {"--accounts", "3", "--regions", "2", "--rows-per-table", "40", "--seed", "5", "--sync-id",
                "lake-e2e", "--progress", "lines"};

        Run intoDuck = cli(concat(new String[] {"demo", "--dir", duck.toString()}, sync));
        Run intoLake = cli(concat(new String[] {"demo", "--dir", lake.toString(), "--warehouse", "iceberg"}, sync));

        assertThat(intoDuck.exitCode()).as(intoDuck.out() + intoDuck.err()).isZero();
        assertThat(intoLake.exitCode()).as(intoLake.out() + intoLake.err()).isZero();
        // local mode's batch by default, into either
        assertThat(intoLake.out()).contains("loader    batches of up to 1000 manifests, gathered for up to 2 s");
        assertThat(intoDuck.out()).contains("loader    batches of up to 1000 manifests, gathered for up to 2 s");
        assertThat(intoLake.out()).contains("sync lake-e2e: complete").contains("rows     720 loaded")
                .containsPattern("'synthetic_types' +\\| 240 +\\| 6");
        String lakeUrl = LocalLake.url(lake, LocalRuntimeConfig.DEFAULT_BUCKET);
        try (Connection d = DriverManager.getConnection("jdbc:duckdb:" + duck.resolve("warehouse.duckdb"));
             Connection l = LocalLake.connect(lakeUrl, lake)) {
            SyntheticOracle.assertExact(l, "lake-e2e", List.of("100000000001", "100000000002", "100000000003"),
                    List.of("us-east-1", "eu-west-1"), 40, 5, 1);
            for (String table : TABLES) {
                String sql = "SELECT * EXCLUDE (_sync_time) FROM " + table + " ORDER BY ALL";
                assertThat(rows(l, sql)).as(table).isEqualTo(rows(d, sql)).hasSize(240);
            }
            String status = "SELECT sync_id, slices_expected, slices_loaded, manifests, tables_loaded, tables_failed,"
                    + " tables_stale, rows_loaded, complete FROM _sliceflow_sync_status";
            assertThat(rows(l, status)).isEqualTo(rows(d, status)).hasSize(1);
            assertThat(rows(l, "SELECT count(*) FROM _sliceflow_loads")).isEqualTo(rows(d,
                    "SELECT count(*) FROM _sliceflow_loads"));
        }

        Run query = cli("query", "--dir", lake.toString(), "--warehouse", "iceberg",
                "SELECT count(*) AS n FROM synthetic_events WHERE _sync_id = 'lake-e2e'");
        assertThat(query.exitCode()).as(query.out() + query.err()).isZero();
        assertThat(query.out()).contains("240").contains("(1 row)");
        Run status = cli("status", "--dir", lake.toString(), "--warehouse", "iceberg", "lake-e2e");
        Run duckStatus = cli("status", "--dir", duck.toString(), "lake-e2e");
        assertThat(status.exitCode()).as(status.out() + status.err()).isZero();
        assertThat(firstColumns(status.out())).isEqualTo(firstColumns(duckStatus.out()));
    }

    /** The status line's sync, expected, loaded, manifests, failed and rows (not the times). */
    private static String firstColumns(String out) {
        for (String line : out.split("\n")) {
            if (line.startsWith("lake-e2e")) {
                String[] f = line.trim().split("\\s+");
                return String.join(" ", f[0], f[2], f[3], f[4], f[5], f[6]);
            }
        }
        return out;
    }

    private static List<String> rows(Connection c, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int width = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= width; i++) {
                    row.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}

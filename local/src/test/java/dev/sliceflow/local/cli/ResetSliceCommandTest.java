package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.TestDirs;
import dev.sliceflow.worker.WorkerHandler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code sliceflow reset-slice} undoes a frozen slice on both warehouses: a slice whose last load has a later syncTime
 * than every sync after it (what a syncTime from the future leaves) records them stale until it is reset.
 */
class ResetSliceCommandTest {
    private static final String SLICE = "--source synthetic --account 123456789012 --region us-east-1";

    record Run(int exit, String out, String err) {
    }

    private static Run run(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    private static String request(String syncId, String syncTime) {
        return """
                {"syncId":"%s","syncTime":"%s","source":{"kind":"synthetic","options":{"rowsPerTable":"10"}},\
                "account":"123456789012","region":"us-east-1","tables":["synthetic_events","synthetic_types"]}"""
                .formatted(syncId, syncTime);
    }

    /** Runs the local stack with the real worker and loader into {@code url} until the requests are handled. */
    private static void sync(Path dir, String url, String... requests) throws Exception {
        Map<String, String> warehouse = Map.of("SLICEFLOW_WAREHOUSE_URL", url,
                "SLICEFLOW_WAREHOUSE_USER", LocalPostgres.USER, "SLICEFLOW_WAREHOUSE_PASSWORD", "");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0))) {
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER, WorkerHandler::new);
            runtime.attach(runtime.queues().load(), LocalRuntime.LOADER,
                    settings -> new LoaderHandler(runtime.settings(warehouse)));
            for (String request : requests) {
                runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queues().sync().url()).messageBody(request));
                assertThat(runtime.awaitIdle(Duration.ofMinutes(2))).isTrue();
            }
        }
    }

    private static List<String> column(String url, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"duckdb", "postgresql"})
    void resetSlice_whenTheSliceIsFrozenByALaterSyncTime_dryRunChangesNothingAndYesLetsTheNextSyncLoad(String engine)
            throws Exception {
        Path dir = TestDirs.create("reset-" + engine);
        String url = engine.equals("duckdb") ? "jdbc:duckdb:" + dir.resolve("warehouse.duckdb")
                : LocalPostgres.get().newDatabase();
        List<String> base = new ArrayList<>(List.of("reset-slice", "--dir", dir.toString()));
        base.addAll(List.of(SLICE.split(" ")));
        if (engine.equals("postgresql")) {
            base.addAll(List.of("--warehouse", url, "--warehouse-user", LocalPostgres.USER));
        }
        sync(dir, url, request("late", "2026-11-30T00:00:00Z"), request("real-1", "2026-11-25T09:00:00Z"));
        assertThat(column(url, "SELECT status FROM _sliceflow_loads WHERE sync_id = 'real-1'"))
                .as("frozen: the real sync is stale").containsExactly("stale", "stale");

        Run dryRun = run(base);

        assertThat(dryRun.exit()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("slice synthetic/123456789012/us-east-1 in " + url + ":")
                .containsPattern("synthetic_events +last loaded sync late, syncTime 2026-11-30T00:00:00Z \\(manifests/"
                        + "sync_id=late/account=123456789012/region=us-east-1/manifest-0.json\\)")
                .contains("dry run: would delete 2 _sliceflow_state rows; ", "Run again with --yes to do it.");
        assertThat(column(url, "SELECT table_name FROM _sliceflow_state ORDER BY 1"))
                .as("a dry run changes nothing").containsExactly("synthetic_events", "synthetic_types");

        List<String> onlyEvents = new ArrayList<>(base);
        onlyEvents.addAll(List.of("--table", "synthetic_events", "--yes"));
        Run reset = run(onlyEvents);

        assertThat(reset.exit()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("deleted 1 _sliceflow_state row; the next sync of each table loads");
        assertThat(column(url, "SELECT table_name FROM _sliceflow_state")).containsExactly("synthetic_types");
        assertThat(column(url, "SELECT DISTINCT _sync_id FROM synthetic_events")).as("rows stay until the next sync")
                .containsExactly("late");

        sync(dir, url, request("real-2", "2026-11-25T10:00:00Z"));

        assertThat(column(url, "SELECT table_name || ' ' || status FROM _sliceflow_loads WHERE sync_id = 'real-2'"
                + " ORDER BY 1")).containsExactly("synthetic_events loaded", "synthetic_types stale");
        assertThat(column(url, "SELECT DISTINCT _sync_id FROM synthetic_events")).containsExactly("real-2");

        List<String> deleteRows = new ArrayList<>(base);
        deleteRows.addAll(List.of("--delete-rows", "--yes"));
        Run wipe = run(deleteRows);

        assertThat(wipe.exit()).as(wipe.err()).isZero();
        assertThat(wipe.out()).contains("deleted 2 _sliceflow_state rows and 20 rows of the slice");
        assertThat(column(url, "SELECT count(*) FROM synthetic_events")).containsExactly("0");
        assertThat(column(url, "SELECT count(*) FROM synthetic_types")).containsExactly("0");
        assertThat(column(url, "SELECT count(*) FROM _sliceflow_state")).containsExactly("0");
        assertThat(column(url, "SELECT count(*) FROM _sliceflow_loads")).as("the ledger is kept").containsExactly("6");
    }

    @Test
    void resetSlice_whenTheAccountIsInvalid_failsInOneLineNamingIt() throws Exception {
        Path dir = TestDirs.create("reset-invalid");

        Run run = run(List.of("reset-slice", "--dir", dir.toString(), "--source", "synthetic", "--account", "12345",
                "--region", "us-east-1"));

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("reset-slice: invalid account '12345': must be 12 digits");
    }
}

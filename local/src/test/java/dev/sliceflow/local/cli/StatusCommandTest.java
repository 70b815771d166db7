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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code sliceflow status} when a slice is loaded more than once: what the user sees is what the warehouse holds. */
class StatusCommandTest {
    private static final String REQUEST = """
            {"syncId":"reload-1","syncTime":"2026-11-25T09:00:00Z","source":{"kind":"synthetic","options":\
            {"rowsPerTable":"25"}},"account":"123456789012","region":"us-east-1",\
            "tables":["synthetic_types","synthetic_events"]}""";

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as(err.toString()).isZero();
        return out.toString();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"duckdb", "postgresql"})
    void status_whenTheSameSliceIsDeliveredAndLoadedThreeTimes_countsItsRowsAndManifestOnce(String engine)
            throws Exception {
        Path dir = TestDirs.create("status-reload-" + engine);
        String url = engine.equals("duckdb") ? "jdbc:duckdb:" + dir.resolve("warehouse.duckdb")
                : LocalPostgres.get().newDatabase();
        Map<String, String> warehouse = Map.of("SLICEFLOW_WAREHOUSE_URL", url,
                "SLICEFLOW_WAREHOUSE_USER", LocalPostgres.USER, "SLICEFLOW_WAREHOUSE_PASSWORD", "");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0))) {
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER, WorkerHandler::new);
            runtime.attach(runtime.queues().load(), LocalRuntime.LOADER,
                    settings -> new LoaderHandler(runtime.settings(warehouse)));
            // as SQS redelivers a request: three attempts, three manifests at one key, each loaded in turn
            for (int i = 0; i < 3; i++) {
                runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queues().sync().url()).messageBody(REQUEST));
                assertThat(runtime.awaitIdle(Duration.ofMinutes(2))).isTrue();
            }
        }
        List<String> statuses = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM _sliceflow_loads WHERE sync_id = 'reload-1'")) {
            while (rs.next()) {
                statuses.add(rs.getString(1));
            }
        }
        assertThat(statuses).as("the ledger holds the three loads of both tables").hasSize(6).containsOnly("loaded");

        String status = engine.equals("duckdb") ? run("status", "reload-1", "--dir", dir.toString())
                : run("status", "reload-1", "--dir", dir.toString(), "--warehouse", url, "--warehouse-user",
                        LocalPostgres.USER);

        // SYNC STARTED EXPECTED LOADED MANIFESTS FAILED ROWS LAST-LOAD COMPLETE: 1 manifest, 2 x 25 rows
        assertThat(status.lines().filter(l -> l.startsWith("reload-1")).findFirst().orElseThrow())
                .matches("reload-1\\s+\\S+\\s+\\?\\s+1\\s+1\\s+0\\s+50\\s+\\S+\\s+no");
    }
}

package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.testing.TestDirs;
import dev.sliceflow.worker.WorkerHandler;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * enqueue, status, query and invoke as a user runs them: against a local stack with the real handlers, as
 * {@code serve} leaves it (its exports in DIR/env.sh), then with the stack stopped (DuckDB is one process's).
 */
class CommandsTest {
    private static final String SPEC = """
            name: cli
            source:
              kind: synthetic
              options: {rowsPerTable: "30"}
            accounts:
              list: ["111111111111", "222222222222"]
            regions: [us-east-1, eu-west-1]
            tables: [synthetic_types, synthetic_events]
            """;

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static LocalRuntime serve(Path dir, boolean functions) throws Exception {
        LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0));
        if (functions) {
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER, WorkerHandler::new);
            runtime.attach(runtime.queues().load(), LocalRuntime.LOADER, LoaderHandler::new);
        }
        Files.writeString(dir.resolve("env.sh"), ServeCommand.exportLines(ServeCommand.exports(runtime)));
        return runtime;
    }

    @Test
    void enqueueStatusQuery_whenASyncRunsThroughTheLocalStack_reportItCompleteAndQueryable() throws Exception {
        Path dir = TestDirs.create("cli-commands");
        Path spec = Files.writeString(dir.resolve("sync.yaml"), SPEC);
        LocalRuntime runtime = serve(dir, true);
        try {
            Run enqueue = run("enqueue", "--dir", dir.toString(), "--spec", spec.toString(), "--sync-id", "cli-1");
            assertThat(enqueue.exit()).as(enqueue.err()).isZero();
            assertThat(enqueue.out()).contains("enqueued sync cli-1: 4 slices (2 accounts x 2 regions, 2 tables each)");
            assertThat(runtime.awaitIdle(Duration.ofMinutes(2))).isTrue();

            Run again = run("enqueue", "--dir", dir.toString(), "--spec", spec.toString(), "--sync-id", "cli-1");
            assertThat(again.out()).contains("sync cli-1 was enqueued before").contains("nothing sent");
        } finally {
            runtime.close();
            Files.deleteIfExists(dir.resolve("env.sh"));
        }

        Run status = run("status", "cli-1", "--dir", dir.toString());
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out().lines().filter(l -> l.startsWith("cli-1")).findFirst().orElseThrow())
                .matches("cli-1\\s+\\S+\\s+4\\s+4\\s+4\\s+0\\s+240\\s+\\S+\\s+yes");

        Run query = run("query", "--dir", dir.toString(),
                "SELECT _account, count(*) AS n FROM synthetic_types GROUP BY _account ORDER BY _account");
        assertThat(query.exit()).as(query.err()).isZero();
        assertThat(query.out()).contains("'111111111111' | 60", "'222222222222' | 60", "(2 rows)");

        Run nasty = run("query", "--dir", dir.toString(),
                "SELECT text_value FROM synthetic_types WHERE text_value LIKE 'crlf%' LIMIT 1");
        assertThat(nasty.out()).as("control characters shown, not printed").contains("crlf\\r\\nend");
    }

    @Test
    void status_whenATableFailsAndAPoisonMessageIsDeadLettered_showsBothWhileTheStackRuns() throws Exception {
        Path dir = TestDirs.create("cli-status-failures");
        Path spec = Files.writeString(dir.resolve("sync.yaml"),
                SPEC.replace("{rowsPerTable: \"30\"}", "{rowsPerTable: \"30\", failTables: synthetic_events}"));
        String postgres = dev.sliceflow.testing.LocalPostgres.get().newDatabase();
        java.util.Map<String, String> warehouse = java.util.Map.of("SLICEFLOW_WAREHOUSE_URL", postgres,
                "SLICEFLOW_WAREHOUSE_USER", dev.sliceflow.testing.LocalPostgres.USER, "SLICEFLOW_WAREHOUSE_PASSWORD", "");
        LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0));
        try {
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER, WorkerHandler::new);
            runtime.attach(runtime.queues().load(), LocalRuntime.LOADER,
                    settings -> new LoaderHandler(runtime.settings(warehouse)));
            Files.writeString(dir.resolve("env.sh"), ServeCommand.exportLines(ServeCommand.exports(runtime)));

            assertThat(run("enqueue", "--dir", dir.toString(), "--spec", spec.toString(), "--sync-id", "f-1").exit())
                    .isZero();
            runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queues().sync().url()).messageBody("{not json"));
            assertThat(runtime.awaitIdle(Duration.ofMinutes(2))).isTrue();

            Run status = run("status", "f-1", "--dir", dir.toString(), "--warehouse", postgres, "--warehouse-user",
                    dev.sliceflow.testing.LocalPostgres.USER);

            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(status.out().lines().filter(l -> l.startsWith("f-1")).findFirst().orElseThrow())
                    .as("4 slices loaded; synthetic_events failed in each; 120 rows of synthetic_types")
                    .matches("f-1\\s+\\S+\\s+4\\s+4\\s+4\\s+4\\s+120\\s+\\S+\\s+yes");
            assertThat(status.out()).contains("slices committed (a manifest in s3://")
                    .containsPattern("sync DLQ: 1 messages");
        } finally {
            runtime.close();
        }
    }

    @Test
    void invoke_whenTheSampleSyncEvent_runsTheRealWorkerAgainstTheLocalStack() throws Exception {
        Path dir = TestDirs.create("cli-invoke");
        LocalRuntime runtime = serve(dir, false);
        try {
            Run invoke = run("invoke", "worker", "--dir", dir.toString(), "--event", "../events/sqs-sync-request.json");

            assertThat(invoke.exit()).as(invoke.out() + invoke.err()).isZero();
            assertThat(invoke.out()).contains("worker: 1 records", "0 failed", "{\"batchItemFailures\":[]}");
            assertThat(runtime.s3().listObjectsV2(b -> b.bucket(runtime.bucket())
                    .prefix("manifests/sync_id=demo-2026-11-25/")).contents()).hasSize(1);
        } finally {
            runtime.close();
        }
    }

    @Test
    void enqueue_whenTheSpecIsInvalid_failsInOneLineNamingFileLineAndField() throws Exception {
        Path dir = TestDirs.create("cli-bad-spec");
        Path spec = Files.writeString(dir.resolve("bad.yaml"), SPEC.replace("\"222222222222\"", "\"2222\""));

        Run enqueue = run("enqueue", "--dir", dir.toString(), "--spec", spec.toString(), "--queue-url", "http://x");

        assertThat(enqueue.exit()).isEqualTo(1);
        assertThat(enqueue.err().strip()).isEqualTo("enqueue: bad.yaml: line 6: list: invalid account '2222': must "
                + "be 12 digits");
    }
}

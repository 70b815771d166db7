package dev.sliceflow.local.cli;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.LocalSqs;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.testing.TestDirs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * No lost loads in local mode: a manifest committed whose load event was lost (serve stopped with it queued, or the
 * message gone) is loaded after serve restarts or after {@code sliceflow reconcile}; what is loaded, or younger than
 * the grace period, is not sent again. Through the real parts: s3proxy, ElasticMQ, the loader, DuckDB.
 */
class ReconcileCommandTest {
    private static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));
    private static final Instant SYNC_TIME = Instant.now().minus(Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    private static Fixture slice(String account, long id) {
        return ManifestFixtures.manifest("sync-r", SYNC_TIME).account(account)
                .table(ITEMS, List.of(row(id, "item " + id))).build();
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute(args)).as("%s%n%s", out, err).isZero();
        return out.toString();
    }

    /** {@code sliceflow serve} in its own JVM, as users run it, its stderr in a file beside {@code dir}. */
    private static ServeProcess serve(Path dir, String... more) throws Exception {
        return ServeProcess.start(dir, ProcessBuilder.Redirect.to(dir.resolveSibling(dir.getFileName()
                + "-stderr.txt").toFile()), more);
    }

    /** What serve writes to DIR/env.sh, so that commands find it. */
    private static void writeExports(Path dir, LocalRuntime runtime, Map<String, String> more) throws Exception {
        Map<String, String> exports = ServeCommand.exports(runtime);
        exports.putAll(more);
        Files.writeString(dir.resolve("env.sh"), ServeCommand.exportLines(exports));
    }

    /** Deletes whatever waits in the load queue: the events are lost. */
    private static List<Message> loseLoadEvents(LocalRuntime runtime) {
        return LocalSqs.drain(runtime.sqs(), runtime.queues().load().url());
    }

    @Test
    void reconcile_whenServeRunsWithoutFunctions_sendsTheLostEventOnlyPastTheGracePeriod() throws Exception {
        Path dir = TestDirs.create("reconcile-direct");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0))) {
            writeExports(dir, runtime, Map.of());
            Fixture lost = slice("111122223333", 1);
            lost.upload(runtime.s3(), runtime.bucket());
            assertThat(loseLoadEvents(runtime)).as("the upload's own event (and the new bucket's test event), lost")
                    .isNotEmpty();

            String young = run("reconcile", "--dir", dir.toString());

            assertThat(young).contains("0 manifests committed more than 900 s ago").contains("sent 0 load events");
            assertThat(loseLoadEvents(runtime)).isEmpty();

            String past = run("reconcile", "--dir", dir.toString(), "--grace", "0");

            assertThat(past).contains("1 manifests committed more than 0 s ago")
                    .contains("sync sync-r: 1 waiting, first " + lost.key())
                    .contains("sent 1 load events again");
            assertThat(loseLoadEvents(runtime)).singleElement().satisfies(m -> assertThat(m.body())
                    .contains(java.net.URLEncoder.encode(lost.key(), StandardCharsets.UTF_8)));
        }
    }

    @Test
    void reconcile_againstAServeWithFunctions_asksItsReconcilerWhichSendsOnlyWhatWasNeverLoaded() throws Exception {
        Path dir = TestDirs.create("reconcile-serve");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0))) {
            Fixture lost = slice("111122223333", 1);
            lost.upload(runtime.s3(), runtime.bucket());
            loseLoadEvents(runtime);
            runtime.attach(runtime.queues().load(), LocalRuntime.LOADER, LoaderHandler::new);
            var queue = LocalReconciler.attach(runtime, LocalRuntimeConfig.DEFAULT_QUEUE_PREFIX);
            writeExports(dir, runtime, Map.of(LocalReconciler.QUEUE_VARIABLE, queue.url()));
            Fixture delivered = slice("444455556666", 2);
            delivered.upload(runtime.s3(), runtime.bucket());
            assertThat(runtime.awaitIdle(Duration.ofMinutes(1))).isTrue();

            String dry = run("reconcile", "--dir", dir.toString(), "--grace", "0", "--dry-run");

            assertThat(dry).contains("asking the serve running on").contains("1 manifests committed")
                    .contains("first " + lost.key()).doesNotContain(delivered.key()).contains("dry run");

            String sent = run("reconcile", "--dir", dir.toString(), "--grace", "0");
            assertThat(sent).contains("sent 1 load events again");
            assertThat(runtime.awaitIdle(Duration.ofMinutes(1))).isTrue();

            String after = run("reconcile", "--dir", dir.toString(), "--grace", "0");
            assertThat(after).as("loaded: not sent again").contains("0 manifests committed")
                    .contains("sent 0 load events");
        }
        assertThat(ids(dir)).containsExactly(1L, 2L);
    }

    @Test
    void serve_whenAManifestsLoadEventWasLostWithTheLastServe_loadsItAtStartUp() throws Exception {
        Path dir = TestDirs.create("reconcile-restart");
        Fixture lost = slice("111122223333", 7);
        ServeProcess first = serve(dir, "--no-functions");
        try (S3Client s3 = first.clients().s3()) {
            lost.upload(s3, "sliceflow-staging");
        }
        first.stop();

        ServeProcess second = serve(dir);
        try {
            assertThat(second.lines()).anyMatch(l -> l.startsWith("reconciled: 1 committed manifests"));
            assertThat(second.lines()).anyMatch(l -> l.contains("reconciler <- sliceflow-reconcile"));
            AtomicReference<String> answer = new AtomicReference<>("");
            Await.within(Duration.ofMinutes(1), () -> {
                answer.set(run("reconcile", "--dir", dir.toString(), "--grace", "0", "--dry-run"));
                return answer.get().contains(" 0 manifests committed");
            });
            assertThat(answer.get()).as("the manifest is settled: loaded").contains(" 0 manifests committed");
        } finally {
            second.stop();
        }
        assertThat(ids(dir)).containsExactly(7L);
    }

    @Test
    void status_showsAFailingLoadsLastErrorAndTheManifestsWaitingBeyondTheGracePeriod() throws Exception {
        Path dir = TestDirs.create("reconcile-status");
        String url = LocalPostgres.get().newDatabase();
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)).withPorts(0, 0))) {
            writeExports(dir, runtime, Map.of("SLICEFLOW_RECONCILE_GRACE_MINUTES", "0"));
            Fixture lost = slice("111122223333", 1);
            lost.upload(runtime.s3(), runtime.bucket());
            loseLoadEvents(runtime);
            Fixture failing = slice("444455556666", 2);
            String missing = failing.manifest().tables().get(0).parts().get(0).key();
            failing.upload(runtime.s3(), runtime.bucket());
            runtime.s3().deleteObject(b -> b.bucket(runtime.bucket()).key(missing));
            runtime.attach(runtime.queues().load(), LocalRuntime.LOADER, settings -> new LoaderHandler(
                    runtime.settings(Map.of("SLICEFLOW_WAREHOUSE_URL", url,
                            "SLICEFLOW_WAREHOUSE_USER", LocalPostgres.USER, "SLICEFLOW_WAREHOUSE_PASSWORD", ""))));
            Await.within(Duration.ofMinutes(1), () -> count(url, "SELECT count(*) FROM _sliceflow_load_errors") > 0);

            String status = run("status", "sync-r", "--dir", dir.toString(), "--warehouse", url,
                    "--warehouse-user", LocalPostgres.USER);

            assertThat(status).contains("loads failing").contains(failing.key() + ": 1 attempts")
                    .contains(missing);
            // the failing one is known (its message is with SQS): only the lost one waits
            assertThat(status).contains("manifests waiting more than 0 min for a load")
                    .contains("sync sync-r: 1, first " + lost.key());
        }
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            return 0; // the ledger is not there yet
        }
    }

    private static List<Long> ids(Path dir) throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("warehouse.duckdb"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM items ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}

package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sliceflow.local.runtime.HandlerFactory;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.local.runtime.TestDirs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The real handlers (found as serve finds them) under the local runtime: a sync request on the sync queue becomes
 * parts and a manifest in S3 and the manifest's event on the load queue, and the loader, when present, loads it into
 * DuckDB (skipping the s3:TestEvent) without dead letters. Skipped while the worker is not in this build.
 */
class RealHandlersTest {
    private static final String SYNC_REQUEST = """
            {"version":1,"syncId":"local-e2e","syncTime":"2026-11-25T09:00:00Z",
             "source":{"kind":"synthetic","options":{"rowsPerTable":"200","seed":"7"}},
             "account":"123456789012","region":"us-east-1","tables":["*"],"writeMode":"replace"}""";

    @Test
    void syncRequest_flowsThroughWorkerToLoadQueue() throws Exception {
        Optional<HandlerFactory> worker = Functions.factory(Functions.STACK.get(0).handlerClass());
        assumeTrue(worker.isPresent(), "dev.sliceflow.worker.WorkerHandler is not in this build yet");
        Optional<HandlerFactory> loader = Functions.factory(Functions.STACK.get(1).handlerClass());
        Path dir = TestDirs.create("real-handlers");

        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER, worker.get());
            loader.ifPresent(factory -> runtime.attach(runtime.queues().load(), LocalRuntime.LOADER, factory));

            runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queues().sync().url()).messageBody(SYNC_REQUEST));

            if (loader.isPresent()) {
                assertThat(runtime.awaitIdle(Duration.ofSeconds(90))).isTrue();
                try (Connection db = DriverManager.getConnection(runtime.environment().get("SLICEFLOW_WAREHOUSE_URL"));
                     ResultSet rows = db.createStatement().executeQuery(
                             "SELECT count(*) FROM synthetic_events WHERE _sync_id = 'local-e2e'")) {
                    rows.next();
                    assertThat(rows.getLong(1)).as("rows loaded into DuckDB").isEqualTo(200);
                }
            } else {
                List<String> events = awaitManifestEvent(runtime);
                assertThat(events).anySatisfy(body -> assertThat(body).contains("\"eventName\":\"ObjectCreated:Put\"")
                        .contains("manifests/sync_id%3Dlocal-e2e/account%3D123456789012/region%3Dus-east-1/"));
            }
            List<String> keys = runtime.s3().listObjectsV2Paginator(b -> b.bucket(runtime.bucket())).contents()
                    .stream().map(S3Object::key).toList();
            assertThat(keys).anyMatch(k -> k.startsWith("manifests/sync_id=local-e2e/"))
                    .anyMatch(k -> k.startsWith("data/") && k.contains("sync_id=local-e2e"));
            assertThat(runtime.messages(runtime.queues().syncDlq())).isZero();
            assertThat(runtime.messages(runtime.queues().loadDlq())).isZero();
            assertThat(runtime.pollers()).allSatisfy(p -> assertThat(p.stats().failedInvocations()).isZero());
        }
    }

    private static List<String> awaitManifestEvent(LocalRuntime runtime) {
        List<String> bodies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message message : runtime.sqs().receiveMessage(b -> b.queueUrl(runtime.queues().load().url())
                    .maxNumberOfMessages(10).waitTimeSeconds(1)).messages()) {
                bodies.add(message.body());
                if (message.body().contains("\"Records\"")) {
                    return bodies;
                }
            }
        }
        throw new AssertionError("no manifest event on the load queue within 90 s; got " + bodies);
    }
}

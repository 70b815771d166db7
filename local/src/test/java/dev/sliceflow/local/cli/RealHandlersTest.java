package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.testing.TestDirs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The handlers serve attaches ({@link Functions#STACK}) under the local runtime: a sync request on the sync queue
 * becomes parts and a manifest in S3, the manifest's event reaches the load queue, and the loader loads it into DuckDB
 * (skipping the s3:TestEvent) without dead letters.
 */
class RealHandlersTest {
    private static final String SYNC_REQUEST = """
            {"version":1,"syncId":"local-e2e","syncTime":"2026-11-25T09:00:00Z",
             "source":{"kind":"synthetic","options":{"rowsPerTable":"200","seed":"7"}},
             "account":"123456789012","region":"us-east-1","tables":["*"],"writeMode":"replace"}""";

    @Test
    void syncRequest_flowsThroughWorkerToLoadQueue() throws Exception {
        Path dir = TestDirs.create("real-handlers");

        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            for (Functions.Spec function : Functions.STACK) {
                runtime.attach(function.queue().apply(runtime.queues()), function.mapping(), function.handler());
            }

            runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queues().sync().url()).messageBody(SYNC_REQUEST));

            assertThat(runtime.awaitIdle(Duration.ofSeconds(90))).isTrue();
            try (Connection db = DriverManager.getConnection(runtime.environment().get("SLICEFLOW_WAREHOUSE_URL"));
                 ResultSet rows = db.createStatement().executeQuery(
                         "SELECT count(*) FROM synthetic_events WHERE _sync_id = 'local-e2e'")) {
                rows.next();
                assertThat(rows.getLong(1)).as("rows loaded into DuckDB").isEqualTo(200);
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
}

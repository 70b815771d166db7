package dev.sliceflow.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import dev.sliceflow.testing.TestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The scheduled planner as Lambda runs it, against s3proxy and ElasticMQ. */
class PlannerHandlerTest {
    private final LocalS3 s3 = LocalS3.get();
    private final LocalSqs sqs = LocalSqs.get();
    private final String bucket = s3.newBucket();
    private final String queue = sqs.newQueue("sync");

    private PlannerHandler handler() {
        return new PlannerHandler(Settings.from(env()));
    }

    /** The planner's environment: the bucket and queue of this test. */
    private Map<String, String> env() {
        Map<String, String> env = s3.environment(bucket);
        env.putAll(sqs.environment());
        env.put("SLICEFLOW_SYNC_QUEUE_URL", queue);
        return env;
    }

    @Test
    void handleRequest_whenScheduledWithASpecKey_writesThePlanAndEnqueuesEverySlice() {
        s3.client().putObject(b -> b.bucket(bucket).key("specs/nightly.yaml"),
                RequestBody.fromString(SyncSpecParserTest.VALID));

        Map<String, Object> result = handler().handleRequest(Map.of("specKey", "specs/nightly.yaml", "syncId", "n-1"),
                TestContext.fifteenMinutes());

        assertThat(result).containsEntry("syncId", "n-1").containsEntry("slices", 2L).containsEntry("sent", 2L);
        assertThat(sqs.drain(queue)).hasSize(2);
        assertThat(s3.client().headObject(b -> b.bucket(bucket).key("syncs/sync_id=n-1/plan.json")).contentLength())
                .isPositive();
        Map<String, Object> again = handler().handleRequest(Map.of("specKey", "specs/nightly.yaml", "syncId", "n-1"),
                TestContext.fifteenMinutes());
        assertThat(again).containsEntry("alreadyEnqueued", true).containsEntry("sent", 0L);
    }

    @Test
    void handleRequest_whenMetricsAreOn_countsTheSlicesItSentAndNoneOnARerun() throws Exception {
        s3.client().putObject(b -> b.bucket(bucket).key("specs/nightly.yaml"),
                RequestBody.fromString(SyncSpecParserTest.VALID));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        dev.sliceflow.metrics.Metrics metrics = dev.sliceflow.metrics.Metrics.to(
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        Settings settings = Settings.from(env());
        PlannerHandler handler = new PlannerHandler(dev.sliceflow.runtime.CompositionRoot.planner(settings), metrics);

        handler.handleRequest(Map.of("specKey", "specs/nightly.yaml", "syncId", "n-2"), TestContext.fifteenMinutes());
        handler.handleRequest(Map.of("specKey", "specs/nightly.yaml", "syncId", "n-2"), TestContext.fifteenMinutes());

        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<String> lines = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(json.readTree(lines.get(0)).get("SlicesEnqueued").asLong()).isEqualTo(2);
        assertThat(json.readTree(lines.get(0)).get("syncId").asText()).isEqualTo("n-2");
        assertThat(json.readTree(lines.get(0)).get("Function").asText()).isEqualTo("test");
        assertThat(json.readTree(lines.get(1)).get("SlicesEnqueued").asLong()).isZero();
    }

    @Test
    void handleRequest_whenARetryCarriesTheSameScheduledTime_plansTheSameSyncAndSendsNothingTwice() throws Exception {
        s3.client().putObject(b -> b.bucket(bucket).key("specs/nightly.yaml"),
                RequestBody.fromString(SyncSpecParserTest.VALID));
        // the sample event: what the stack's rule sends
        @SuppressWarnings("unchecked")
        Map<String, Object> scheduled = dev.sliceflow.core.Json.mapper().readValue(
                java.nio.file.Path.of("..", "events", "planner-scheduled.json").toFile(), Map.class);

        Map<String, Object> first = handler().handleRequest(scheduled, TestContext.fifteenMinutes());
        Map<String, Object> retry = handler().handleRequest(scheduled, TestContext.fifteenMinutes());

        assertThat(first).containsEntry("syncId", "inventory-20261125T030000Z").containsEntry("sent", 2L);
        assertThat(retry).containsEntry("syncId", "inventory-20261125T030000Z").containsEntry("sent", 0L)
                .containsEntry("alreadyEnqueued", true);
        assertThat(sqs.drain(queue)).hasSize(2);
        assertThatThrownBy(() -> handler().handleRequest(Map.of("specKey", "specs/nightly.yaml", "scheduledTime",
                "yesterday"), TestContext.fifteenMinutes())).hasMessageContaining("is not an ISO-8601 instant");
    }

    @Test
    void handleRequest_whenTheSpecKeyIsMissingOrOutsideSpecs_failsSayingWhatItNeeds() {
        assertThatThrownBy(() -> handler().handleRequest(Map.of("specKey", "data/x.yaml"), TestContext.fifteenMinutes()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("a key under specs/");
        assertThatThrownBy(() -> handler().handleRequest(Map.of("specKey", "specs/none.yaml"), TestContext.fifteenMinutes()))
                .hasMessageContaining("specs/none.yaml does not exist");
    }
}

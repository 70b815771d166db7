package dev.sliceflow.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.cli.DemoSync;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.testing.Await;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Messages that can never succeed, sent to the sync queue among a sync's: each ends in the sync DLQ at once, body
 * intact and the reason in its {@code sliceflow-error} attribute, while the sync loads completely.
 */
class PoisonMessagesTest {
    private static final String MALFORMED = "{\"version\":1,\"syncId\":";
    private static final String UNKNOWN_TABLE = """
            {"version":1,"syncId":"poison","syncTime":"2026-11-25T10:00:00Z",
             "source":{"kind":"synthetic","options":{"rowsPerTable":"5"}},
             "account":"123456789012","region":"us-east-1","tables":["no_such_table"],"writeMode":"replace"}""";
    private static final String INVALID_ACCOUNT = """
            {"version":1,"syncId":"poison","syncTime":"2026-11-25T10:00:00Z",
             "source":{"kind":"synthetic","options":{"rowsPerTable":"5"}},
             "account":"12345; drop table x","region":"us-east-1","tables":["*"],"writeMode":"replace"}""";

    @Test
    void poisonMessages_goToTheSyncDlqWithTheirReason_whileTheSyncLoads() throws Exception {
        try (Pipeline pipeline = Pipeline.start("poison")) {
            pipeline.realWorker().realLoader();
            String syncQueue = pipeline.runtime.queues().sync().url();
            for (String body : List.of(MALFORMED, UNKNOWN_TABLE, INVALID_ACCOUNT)) {
                pipeline.runtime.sqs().sendMessage(b -> b.queueUrl(syncQueue).messageBody(body));
            }

            Plan plan = pipeline.launch(DemoSync.spec(2, 2, 20, 8), "with-poison").plan();
            pipeline.awaitComplete("with-poison", Duration.ofSeconds(90));

            try (Connection c = pipeline.connect()) {
                SyntheticOracle.assertExact(c, plan, 20, 8, 1);
            }
            Map<String, String> reasons = new LinkedHashMap<>();
            Await.within(Duration.ofSeconds(20), () -> {
                List<Message> messages = new ArrayList<>(pipeline.runtime.sqs().receiveMessage(b -> b
                        .queueUrl(pipeline.runtime.queues().syncDlq().url()).maxNumberOfMessages(10)
                        .waitTimeSeconds(1).messageAttributeNames("All")).messages());
                for (Message m : messages) {
                    assertThat(m.messageAttributes()).containsKey("sliceflow-error");
                    reasons.put(m.body(), m.messageAttributes().get("sliceflow-error").stringValue());
                }
                return reasons.size() >= 3;
            });
            assertThat(reasons).containsOnlyKeys(MALFORMED, UNKNOWN_TABLE, INVALID_ACCOUNT);
            assertThat(reasons.get(UNKNOWN_TABLE)).contains("no_such_table");
            assertThat(reasons.get(INVALID_ACCOUNT)).contains("account");
            assertThat(reasons.get(MALFORMED)).isNotBlank();
            assertThat(pipeline.runtime.pollers().getFirst().stats().failedRecords())
                    .as("dead-lettered at once, not retried").isZero();
            assertThat(pipeline.runtime.messages(pipeline.runtime.queues().loadDlq())).isZero();
        }
    }
}

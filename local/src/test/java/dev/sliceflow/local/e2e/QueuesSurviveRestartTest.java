package dev.sliceflow.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.cli.DemoSync;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.testing.TestDirs;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * Local queues kept in the data directory, as {@code serve} keeps them: a sync enqueued while no function runs, one of
 * its messages in flight, the runtime stopped; started again on the same directory with the real worker and loader,
 * every slice loads, each row once.
 */
class QueuesSurviveRestartTest {
    @Test
    void messagesQueuedOrInFlightWhenTheRuntimeStops_areDeliveredAfterARestart() throws Exception {
        Path dir = TestDirs.create("queues-restart");
        Plan plan;
        String inFlight;
        try (Pipeline first = Pipeline.startKeepingQueues(dir)) {
            plan = first.launch(DemoSync.spec(2, 2, 10, 3), "restart").plan();
            List<Message> received = first.runtime.sqs().receiveMessage(b -> b.queueUrl(
                    first.runtime.queues().sync().url()).maxNumberOfMessages(1)).messages();
            assertThat(received).hasSize(1);
            inFlight = received.getFirst().messageId();
            assertThat(first.runtime.messages(first.runtime.queues().sync())).isEqualTo(plan.slices());
        }

        try (Pipeline second = Pipeline.startKeepingQueues(dir)) {
            assertThat(second.runtime.messages(second.runtime.queues().sync())).as("kept across the restart")
                    .isEqualTo(plan.slices());
            second.realWorker().realLoader();

            second.awaitComplete("restart", Duration.ofSeconds(120));

            try (Connection c = second.connect()) {
                SyntheticOracle.assertExact(c, plan, 10, 3, 1);
            }
            assertThat(second.runtime.messages(second.runtime.queues().syncDlq())).isZero();
            assertThat(second.runtime.messages(second.runtime.queues().loadDlq())).isZero();
        }
        assertThat(inFlight).isNotBlank();
    }
}

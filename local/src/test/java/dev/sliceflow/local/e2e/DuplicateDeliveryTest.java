package dev.sliceflow.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.cli.DemoSync;
import dev.sliceflow.local.runtime.SqsPoller;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.testing.Await;
import dev.sliceflow.worker.WorkerHandler;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * At-least-once delivery on both queues, through the real protocols: each sync message is delivered again while its
 * first invocation is still running (it sleeps past the 2 s visibility timeout after committing), and every manifest's
 * S3 event is sent to the load queue twice more. Each row is in the warehouse once.
 */
class DuplicateDeliveryTest {
    @Test
    void syncMessagesAndS3EventsDeliveredAgain_loadEveryRowOnce() throws Exception {
        List<String> loadBodies = new CopyOnWriteArrayList<>();
        try (Pipeline pipeline = Pipeline.start("duplicates")) {
            pipeline.worker(Handlers.around(WorkerHandler::new, new Handlers.Around() {
                @Override
                public void after(SQSEvent event, SQSBatchResponse response) {
                    if (Handlers.firstReceive(event)) {
                        Await.sleep(3_000); // past the visibility timeout: SQS hands the message to another poller
                    }
                }
            }));
            pipeline.loader(Handlers.around(LoaderHandler::new, new Handlers.Around() {
                @Override
                public void before(SQSEvent event) {
                    event.getRecords().forEach(r -> loadBodies.add(r.getBody()));
                }
            }));

            Plan plan = pipeline.launch(DemoSync.spec(2, 2, 30, 3), "duplicates").plan();
            pipeline.awaitComplete("duplicates", Duration.ofSeconds(90));

            SqsPoller worker = pipeline.runtime.pollers().getFirst();
            assertThat(worker.stats().invocations()).as("sync messages delivered more than once")
                    .isGreaterThanOrEqualTo(2 * plan.slices());
            long ledger;
            try (Connection c = pipeline.connect()) {
                SyntheticOracle.assertExact(c, plan, 30, 3, 1);
                ledger = SyntheticOracle.ledgerRows(c);
            }

            List<String> events = loadBodies.stream().filter(b -> b.contains("ObjectCreated")).distinct().toList();
            assertThat(events).hasSizeGreaterThanOrEqualTo((int) plan.slices());
            for (int copy = 0; copy < 2; copy++) {
                for (String body : events) {
                    pipeline.runtime.sqs().sendMessage(b -> b.queueUrl(pipeline.runtime.queues().load().url())
                            .messageBody(body));
                }
            }
            assertThat(pipeline.runtime.awaitIdle(Duration.ofSeconds(60))).isTrue();

            try (Connection c = pipeline.connect()) {
                SyntheticOracle.assertExact(c, plan, 30, 3, 1);
                assertThat(SyntheticOracle.ledgerRows(c)).as("ledger rows after the duplicate events")
                        .isEqualTo(ledger);
            }
            assertThat(pipeline.runtime.messages(pipeline.runtime.queues().syncDlq())).isZero();
            assertThat(pipeline.runtime.messages(pipeline.runtime.queues().loadDlq())).isZero();
        }
    }
}

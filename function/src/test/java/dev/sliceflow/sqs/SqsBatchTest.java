package dev.sliceflow.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.testing.SqsEvents;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqsBatchTest {

    private static final String QUEUE = "arn:aws:sqs:us-east-1:111122223333:sliceflow-sync";

    private static SQSEvent.SQSMessage record(String id, String body) {
        return SqsEvents.message(id, body, 1, QUEUE);
    }

    private static List<String> failures(SqsBatch batch) {
        return SqsEvents.failedIds(batch.response());
    }

    @Test
    void of_whenTheEventIsNull_isAnEmptyBatchWithNoFailures() {
        SqsBatch batch = SqsBatch.of(null);

        assertThat(batch.messages()).isEmpty();
        assertThat(batch.response().getBatchItemFailures()).isNotNull().isEmpty();
    }

    @Test
    void of_whenTheRecordsAreNull_isAnEmptyBatchWithNoFailures() {
        SqsBatch batch = SqsBatch.of(new SQSEvent());

        List<SqsMessage> handled = new ArrayList<>();
        batch.forEach(handled::add);

        assertThat(handled).isEmpty();
        assertThat(batch.response().getBatchItemFailures()).isNotNull().isEmpty();
    }

    @Test
    void of_readsEachRecordsIdBodyReceiveCountAndQueue() {
        SQSEvent.SQSMessage noCount = record("m-2", "x");
        noCount.getAttributes().remove("ApproximateReceiveCount");
        SQSEvent.SQSMessage notANumber = record("m-3", "y");
        notANumber.getAttributes().put("ApproximateReceiveCount", "many");

        SqsBatch batch = SqsBatch.of(SqsEvents.of(SqsEvents.message("m-1", "{}", 3, QUEUE), noCount, notANumber));

        assertThat(batch.messages()).containsExactly(new SqsMessage("m-1", "{}", 3, QUEUE),
                new SqsMessage("m-2", "x", 1, QUEUE), new SqsMessage("m-3", "y", 1, QUEUE));
    }

    @Test
    void forEach_whenARecordThrows_retriesThatRecordAloneAndHandlesTheNext() {
        SqsBatch batch = SqsBatch.of(SqsEvents.of(record("m-1", "a"), record("m-2", "boom"), record("m-3", "c")));
        List<String> handled = new ArrayList<>();

        batch.forEach(message -> {
            if (message.body().equals("boom")) {
                throw new IllegalStateException("S3 is down");
            }
            handled.add(message.id());
        });

        assertThat(handled).containsExactly("m-1", "m-3");
        assertThat(failures(batch)).containsExactly("m-2");
    }

    @Test
    void forEach_whenTheHandlerReportsARetry_theResponseNamesThatRecord() {
        SqsBatch batch = SqsBatch.of(SqsEvents.of(record("m-1", "a"), record("m-2", "b")));

        batch.forEach(message -> {
            if (message.id().equals("m-1")) {
                batch.retry(message.id(), "no dead-letter queue");
            }
        });

        assertThat(failures(batch)).containsExactly("m-1");
    }

    @Test
    void retry_keepsTheIdsAsDeliveredInTheOrderReportedOnceEach() {
        String id = "6f1c2a3b-0000-4000-8000-000000000003";
        SqsBatch batch = SqsBatch.of(SqsEvents.of(record("m-1", "a"), record(id, "b"), record("m-3", "c")));

        batch.retry("m-3", "a part is missing");
        batch.retry(id, "the warehouse is down");
        batch.retry("m-3", "and again");

        assertThat(failures(batch)).containsExactly("m-3", id);
    }

    @Test
    void retryAll_reportsEveryRecordOnceEvenWhenSomeWereReportedBefore() {
        SqsBatch batch = SqsBatch.of(SqsEvents.of(record("m-1", "a"), record("m-2", "b")));

        batch.retry("m-2", "a part is missing");
        batch.retryAll("the warehouse is down");

        assertThat(failures(batch)).containsExactly("m-2", "m-1");
    }
}

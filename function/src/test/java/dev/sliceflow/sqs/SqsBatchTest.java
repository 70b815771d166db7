package dev.sliceflow.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqsBatchTest {

    private static SQSEvent.SQSMessage record(String id, String body, String receiveCount) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(id);
        record.setBody(body);
        record.setEventSourceArn("arn:aws:sqs:us-east-1:111122223333:sliceflow-sync");
        Map<String, String> attributes = new HashMap<>();
        if (receiveCount != null) {
            attributes.put("ApproximateReceiveCount", receiveCount);
        }
        record.setAttributes(attributes);
        return record;
    }

    private static SQSEvent event(SQSEvent.SQSMessage... records) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(records));
        return event;
    }

    private static List<String> failures(SqsBatch batch) {
        return batch.response().getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).toList();
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
        SqsBatch batch = SqsBatch.of(event(record("m-1", "{}", "3"), record("m-2", "x", null),
                record("m-3", "y", "many")));

        assertThat(batch.messages()).containsExactly(
                new SqsMessage("m-1", "{}", 3, "arn:aws:sqs:us-east-1:111122223333:sliceflow-sync"),
                new SqsMessage("m-2", "x", 1, "arn:aws:sqs:us-east-1:111122223333:sliceflow-sync"),
                new SqsMessage("m-3", "y", 1, "arn:aws:sqs:us-east-1:111122223333:sliceflow-sync"));
    }

    @Test
    void forEach_whenARecordThrows_retriesThatRecordAloneAndHandlesTheNext() {
        SqsBatch batch = SqsBatch.of(event(record("m-1", "a", "1"), record("m-2", "boom", "1"),
                record("m-3", "c", "1")));
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
        SqsBatch batch = SqsBatch.of(event(record("m-1", "a", "1"), record("m-2", "b", "1")));

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
        SqsBatch batch = SqsBatch.of(event(record("m-1", "a", "1"), record(id, "b", "1"), record("m-3", "c", "1")));

        batch.retry("m-3", "a part is missing");
        batch.retry(id, "the warehouse is down");
        batch.retry("m-3", "and again");

        assertThat(failures(batch)).containsExactly("m-3", id);
    }

    @Test
    void retryAll_reportsEveryRecordOnceEvenWhenSomeWereReportedBefore() {
        SqsBatch batch = SqsBatch.of(event(record("m-1", "a", "1"), record("m-2", "b", "1")));

        batch.retry("m-2", "a part is missing");
        batch.retryAll("the warehouse is down");

        assertThat(failures(batch)).containsExactly("m-2", "m-1");
    }
}

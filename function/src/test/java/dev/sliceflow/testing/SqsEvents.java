package dev.sliceflow.testing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** SQS events shaped as Lambda delivers them, and what a handler's partial batch response names. */
public final class SqsEvents {
    private SqsEvents() {
    }

    /** A record with its ApproximateReceiveCount attribute (a mutable map: a test may change it). */
    public static SQSEvent.SQSMessage message(String id, String body, int receiveCount, String eventSourceArn) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(id);
        message.setBody(body);
        Map<String, String> attributes = new HashMap<>();
        attributes.put("ApproximateReceiveCount", Integer.toString(receiveCount));
        message.setAttributes(attributes);
        message.setEventSourceArn(eventSourceArn);
        return message;
    }

    public static SQSEvent of(SQSEvent.SQSMessage... messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(messages));
        return event;
    }

    /** The ids of the response's batch item failures, in its order. */
    public static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }
}

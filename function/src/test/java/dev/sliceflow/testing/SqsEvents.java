package dev.sliceflow.testing;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

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
        return of(List.of(messages));
    }

    public static SQSEvent of(List<SQSEvent.SQSMessage> messages) {
        SQSEvent event = new SQSEvent();
        event.setRecords(messages);
        return event;
    }

    /** One record a body, ids m-0, m-1, ..., each on its first receive and from no named queue. */
    public static SQSEvent ofBodies(String... bodies) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int i = 0; i < bodies.length; i++) {
            records.add(message("m-" + i, bodies[i], 1, null));
        }
        return of(records);
    }

    /**
     * The event the event source mapping would make of messages received from a queue: their ids, bodies and
     * receive counts (1 where the receive did not ask for it).
     */
    public static SQSEvent ofReceived(List<Message> received) {
        return of(received.stream().map(m -> message(m.messageId(), m.body(), Integer.parseInt(m.attributes()
                .getOrDefault(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")), null)).toList());
    }

    /** The ids of the response's batch item failures, in its order. */
    public static List<String> failedIds(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }
}

package dev.sliceflow.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;

/**
 * One SQS message of a batch, as the worker, the loader and the dead-letter writer need it.
 *
 * @param id             its message id: what a batch item failure names
 * @param body           its body, as it came
 * @param receiveCount   its ApproximateReceiveCount (1 on the first receive, and when absent or not a number)
 * @param eventSourceArn the queue it came from, or null (not from SQS, or not said)
 */
public record SqsMessage(String id, String body, int receiveCount, String eventSourceArn) {

    /** A message received once, from no named queue: a test's, or a direct S3 event's. */
    public SqsMessage(String id, String body) {
        this(id, body, 1, null);
    }

    public static SqsMessage of(SQSEvent.SQSMessage record) {
        return new SqsMessage(record.getMessageId(), record.getBody(), receiveCount(record),
                record.getEventSourceArn());
    }

    private static int receiveCount(SQSEvent.SQSMessage record) {
        String count = record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}

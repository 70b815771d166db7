package dev.sliceflow.sqs;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends a message that can never succeed to a dead-letter queue at once, with why, instead of letting SQS retry it
 * maxReceiveCount times: the one dead-letter writer of the worker and the loader, so both queues' messages carry the
 * same attributes. The body is kept byte for byte, so it can be fixed and redriven.
 */
public final class DeadLetterQueue {
    public static final String ERROR_ATTRIBUTE = "sliceflow-error";
    public static final String MESSAGE_ID_ATTRIBUTE = "sliceflow-message-id";
    public static final String FAILED_AT_ATTRIBUTE = "sliceflow-failed-at";
    public static final String SENDER_ATTRIBUTE = "sliceflow-sender";
    /** SQS caps the whole message at 256 KiB; a reason this long is already unreadable. */
    private static final int MAX_REASON = 2000;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String sender;

    /** @param sender who sends, e.g. sliceflow-worker: the {@value #SENDER_ATTRIBUTE} attribute */
    public DeadLetterQueue(SqsClient sqs, String queueUrl, String sender) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.sender = sender;
    }

    public void send(String messageId, String body, String reason) {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(body == null || body.isEmpty() ? "(empty)" : body)
                .messageAttributes(Map.of(
                        ERROR_ATTRIBUTE, text(shortReason),
                        MESSAGE_ID_ATTRIBUTE, text(messageId == null || messageId.isEmpty() ? "-" : messageId),
                        FAILED_AT_ATTRIBUTE, text(Instant.now().toString()),
                        SENDER_ATTRIBUTE, text(sender))));
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}

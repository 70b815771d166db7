package dev.sliceflow.worker;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends a message that can never succeed to a dead-letter queue at once, with why, instead of letting SQS retry it
 * maxReceiveCount times. The body is kept byte for byte, so it can be fixed and redriven.
 */
public final class DeadLetters {
    public static final String ERROR_ATTRIBUTE = "sliceflow-error";
    public static final String MESSAGE_ID_ATTRIBUTE = "sliceflow-message-id";
    public static final String FAILED_AT_ATTRIBUTE = "sliceflow-failed-at";
    /** SQS caps the whole message at 256 KiB; a reason this long is already unreadable. */
    private static final int MAX_REASON = 2000;

    private final SqsClient sqs;
    private final String queueUrl;

    public DeadLetters(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    public void send(String messageId, String body, String reason) {
        String shortReason = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "..." : reason;
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(body == null || body.isEmpty() ? "(empty)" : body)
                .messageAttributes(Map.of(
                        ERROR_ATTRIBUTE, text(shortReason),
                        MESSAGE_ID_ATTRIBUTE, text(messageId),
                        FAILED_AT_ATTRIBUTE, text(Instant.now().toString()))));
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}

package dev.sliceflow.sqs;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends a message that can never succeed to a dead-letter queue at once, with why, instead of letting SQS retry it
 * maxReceiveCount times: the one dead-letter writer of the worker and the loader, so both queues' messages carry the
 * same attributes and the same limit on the reason. The body is kept byte for byte, so it can be fixed and redriven.
 */
public final class DeadLetterQueue {
    /** Why it can never succeed, at most {@value #MAX_REASON} characters (then "..."). */
    public static final String ERROR_ATTRIBUTE = "sliceflow-error";
    /** The id it had on the queue it failed on ("-" when it came from no queue). */
    public static final String MESSAGE_ID_ATTRIBUTE = "sliceflow-message-id";
    /** Its ApproximateReceiveCount there: 1 when it was refused on its first receive. */
    public static final String RECEIVE_COUNT_ATTRIBUTE = "sliceflow-receive-count";
    /** The ARN of the queue it failed on ("-" when it came from no queue, e.g. a direct S3 event). */
    public static final String SOURCE_ATTRIBUTE = "sliceflow-source";
    public static final String FAILED_AT_ATTRIBUTE = "sliceflow-failed-at";
    /** Which function sent it: sliceflow-worker, sliceflow-loader. */
    public static final String SENDER_ATTRIBUTE = "sliceflow-sender";
    /** A reason this long is already unreadable, and every attribute counts towards SQS's cap on a message's size. */
    static final int MAX_REASON = 2000;

    private final SqsClient sqs;
    private final String queueUrl;
    private final String sender;

    /** @param sender who sends, e.g. sliceflow-worker: the {@value #SENDER_ATTRIBUTE} attribute */
    public DeadLetterQueue(SqsClient sqs, String queueUrl, String sender) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.sender = sender;
    }

    public void send(SqsMessage message, String reason) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody(message.body() == null || message.body().isEmpty() ? "(empty)" : message.body())
                .messageAttributes(Map.of(
                        ERROR_ATTRIBUTE, text(reason(reason)),
                        MESSAGE_ID_ATTRIBUTE, text(orDash(message.id())),
                        RECEIVE_COUNT_ATTRIBUTE, text(Integer.toString(message.receiveCount())),
                        SOURCE_ATTRIBUTE, text(orDash(message.eventSourceArn())),
                        FAILED_AT_ATTRIBUTE, text(Instant.now().toString()),
                        SENDER_ATTRIBUTE, text(sender))));
    }

    /**
     * The reason as an attribute can carry it: at most {@link #MAX_REASON} characters and "...", never a surrogate pair
     * cut in two, and what SQS refuses in a message (control characters but tab, CR and LF) as U+FFFD, so a hostile
     * or binary reason cannot make the dead-letter write fail.
     */
    static String reason(String reason) {
        if (reason == null || reason.isEmpty()) {
            return "(no reason given)";
        }
        String cut = reason;
        if (reason.length() > MAX_REASON) {
            int end = Character.isHighSurrogate(reason.charAt(MAX_REASON - 1)) ? MAX_REASON - 1 : MAX_REASON;
            cut = reason.substring(0, end) + "...";
        }
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(allowed(c) ? c : 0xFFFD));
        return out.toString();
    }

    /** SQS's characters for a message: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. */
    private static boolean allowed(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}

package dev.sliceflow.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.LocalSqs;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** The one dead-letter writer against a real SQS API (ElasticMQ on loopback). */
class DeadLetterQueueTest {
    private static final String QUEUE = "arn:aws:sqs:us-east-1:111122223333:sliceflow-sync";

    private final LocalSqs sqs = LocalSqs.get();
    private final String dlq = sqs.newQueue("dlq");
    private final DeadLetterQueue queue = new DeadLetterQueue(sqs.client(), dlq, "sliceflow-worker");

    private Message sent() {
        List<Message> messages = sqs.drain(dlq);
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static String attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        assertThat(value).as(name).isNotNull();
        return value.stringValue();
    }

    @Test
    void send_keepsTheBodyAndWritesTheOneAttributeSet() {
        Instant before = Instant.now();

        queue.send(new SqsMessage("m-1", "{\"syncId\":\"s1\"}", 3, QUEUE), "invalid account '1'");

        Message message = sent();
        assertThat(message.body()).isEqualTo("{\"syncId\":\"s1\"}");
        assertThat(message.messageAttributes()).containsOnlyKeys(DeadLetterQueue.ERROR_ATTRIBUTE,
                DeadLetterQueue.MESSAGE_ID_ATTRIBUTE, DeadLetterQueue.RECEIVE_COUNT_ATTRIBUTE,
                DeadLetterQueue.SOURCE_ATTRIBUTE, DeadLetterQueue.FAILED_AT_ATTRIBUTE,
                DeadLetterQueue.SENDER_ATTRIBUTE);
        assertThat(Map.of(
                "error", attribute(message, DeadLetterQueue.ERROR_ATTRIBUTE),
                "id", attribute(message, DeadLetterQueue.MESSAGE_ID_ATTRIBUTE),
                "receives", attribute(message, DeadLetterQueue.RECEIVE_COUNT_ATTRIBUTE),
                "source", attribute(message, DeadLetterQueue.SOURCE_ATTRIBUTE),
                "sender", attribute(message, DeadLetterQueue.SENDER_ATTRIBUTE))).isEqualTo(Map.of(
                "error", "invalid account '1'",
                "id", "m-1",
                "receives", "3",
                "source", QUEUE,
                "sender", "sliceflow-worker"));
        assertThat(Instant.parse(attribute(message, DeadLetterQueue.FAILED_AT_ATTRIBUTE))).isAfterOrEqualTo(
                before.minusSeconds(1)).isBeforeOrEqualTo(Instant.now().plusSeconds(1));
    }

    @Test
    void send_whenTheMessageCameFromNoQueue_writesADashForItsIdAndSource() {
        queue.send(new SqsMessage(null, "{\"Records\":[]}"), "manifest m does not exist");

        Message message = sent();
        assertThat(attribute(message, DeadLetterQueue.MESSAGE_ID_ATTRIBUTE)).isEqualTo("-");
        assertThat(attribute(message, DeadLetterQueue.SOURCE_ATTRIBUTE)).isEqualTo("-");
        assertThat(attribute(message, DeadLetterQueue.RECEIVE_COUNT_ATTRIBUTE)).isEqualTo("1");
    }

    @Test
    void send_whenTheBodyIsEmpty_sendsAPlaceholderSqsAccepts() {
        queue.send(new SqsMessage("m-1", ""), "sync request is empty");

        assertThat(sent().body()).isEqualTo("(empty)");
    }

    @Test
    void send_whenTheReasonIsLong_truncatesItToTheLimit() {
        String reason = "x".repeat(DeadLetterQueue.MAX_REASON + 500);

        queue.send(new SqsMessage("m-1", "{}"), reason);

        assertThat(attribute(sent(), DeadLetterQueue.ERROR_ATTRIBUTE))
                .isEqualTo("x".repeat(DeadLetterQueue.MAX_REASON) + "...");
    }

    @Test
    void reason_atTheLimit_isKeptWhole() {
        String reason = "y".repeat(DeadLetterQueue.MAX_REASON);

        assertThat(DeadLetterQueue.reason(reason)).isEqualTo(reason);
    }

    @Test
    void reason_whenTheLimitFallsInASurrogatePair_cutsBeforeThePair() {
        String reason = "z".repeat(DeadLetterQueue.MAX_REASON - 1) + "\uD83D\uDE00" + "tail";

        assertThat(DeadLetterQueue.reason(reason)).isEqualTo("z".repeat(DeadLetterQueue.MAX_REASON - 1) + "...");
    }

    @Test
    void reason_whenItHoldsCharactersSqsRefuses_replacesThemSoTheSendSucceeds() {
        queue.send(new SqsMessage("m-1", "{}"), "bad byte \u0000 and bell \u0007\tkept\nkept");

        assertThat(attribute(sent(), DeadLetterQueue.ERROR_ATTRIBUTE))
                .isEqualTo("bad byte \uFFFD and bell \uFFFD\tkept\nkept");
    }

    @Test
    void reason_whenNullOrEmpty_saysSo() {
        assertThat(DeadLetterQueue.reason(null)).isEqualTo("(no reason given)");
        assertThat(DeadLetterQueue.reason("")).isEqualTo("(no reason given)");
    }
}

package dev.sliceflow.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.sqs.SqsMessage;
import dev.sliceflow.testing.LocalSqs;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The DLQ sender against a real SQS API (ElasticMQ on loopback). */
class LoadDeadLettersTest {
    private final SqsClient sqs = LocalSqs.get().client();

    @Test
    void send_putsTheOriginalBodyWithTheReasonAttribute() {
        String url = LocalSqs.get().newQueue("sliceflow-load-dlq");

        LoadDeadLetters.sqs(sqs, url).send(new SqsMessage("m-1", "{\"Records\":[]}"),
                "manifest m: unsupported formatVersion 99");

        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).messageAttributeNames("All")
                .waitTimeSeconds(1)).messages();
        assertThat(messages).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("{\"Records\":[]}");
            assertThat(m.messageAttributes().get("sliceflow-error").stringValue())
                    .isEqualTo("manifest m: unsupported formatVersion 99");
            assertThat(m.messageAttributes().get("sliceflow-sender").stringValue()).isEqualTo("sliceflow-loader");
            assertThat(m.messageAttributes().get("sliceflow-message-id").stringValue()).isEqualTo("m-1");
        });
    }
}

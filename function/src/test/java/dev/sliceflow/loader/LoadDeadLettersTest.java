package dev.sliceflow.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.sqs.SqsMessage;
import java.net.URI;
import java.util.List;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The DLQ sender against a real SQS API (ElasticMQ on loopback). */
class LoadDeadLettersTest {
    private static SQSRestServer server;
    private static SqsClient sqs;

    @BeforeAll
    static void start() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000").start();
        int port = server.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"))).build();
    }

    @AfterAll
    static void stop() {
        sqs.close();
        server.stopAndWait();
    }

    @Test
    void send_putsTheOriginalBodyWithTheReasonAttribute() {
        String url = sqs.createQueue(b -> b.queueName("sliceflow-load-dlq")).queueUrl();

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

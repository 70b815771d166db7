package dev.sliceflow.testing;

import dev.sliceflow.runtime.AwsClients;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** A real SQS API in-process (ElasticMQ) for tests, started once per JVM on a loopback port. */
public final class LocalSqs {
    private static LocalSqs instance;

    private final SQSRestServer server;
    private final URI endpoint;
    private final SqsClient client;

    private LocalSqs() {
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000").start();
        endpoint = URI.create("http://127.0.0.1:" + server.waitUntilStarted().localAddress().getPort());
        client = clients().sqs();
    }

    public static synchronized LocalSqs get() {
        if (instance == null) {
            instance = new LocalSqs();
            Runtime.getRuntime().addShutdownHook(new Thread(instance.server::stopAndWait));
        }
        return instance;
    }

    public URI endpoint() {
        return endpoint;
    }

    public SqsClient client() {
        return client;
    }

    public AwsClients clients() {
        return new AwsClients(Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")),
                Optional.empty(), Optional.of(endpoint));
    }

    /**
     * The SQS endpoint variable of a handler that talks to this server, to add to {@link LocalS3#environment}'s map
     * (ElasticMQ takes any credentials, so those of LocalS3 do).
     */
    public Map<String, String> environment() {
        return Map.of("SLICEFLOW_SQS_ENDPOINT", endpoint.toString());
    }

    /** Creates a fresh queue and returns its URL. */
    public String newQueue(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        return client.createQueue(b -> b.queueName(name)
                .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "30"))).queueUrl();
    }

    /** Receives what is visible now (up to 10 per call, polling until a call returns none), and deletes it. */
    public List<Message> drain(String queueUrl) {
        return drain(client, queueUrl);
    }

    /**
     * What {@link #drain(String)} does, through any client: the embedded queues of local mode too. Each message
     * comes with its message and system attributes.
     */
    public static List<Message> drain(SqsClient sqs, String queueUrl) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            for (Message message : batch) {
                sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
            }
        }
    }

    /**
     * The first messages to arrive in the queue (long polls of up to 10 each, left undeleted); an AssertionError when
     * none arrives within {@code timeout}.
     */
    public static List<Message> awaitMessages(SqsClient sqs, String queueUrl, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1).messageAttributeNames("All")).messages();
            if (!messages.isEmpty()) {
                return messages;
            }
        }
        throw new AssertionError("no message in " + queueUrl + " within " + timeout);
    }
}

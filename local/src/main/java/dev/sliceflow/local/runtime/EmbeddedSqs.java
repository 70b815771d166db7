package dev.sliceflow.local.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS API in-process: ElasticMQ on loopback. Queues live in memory (they are recreated on every start; S3 data
 * survives in {@code <dir>/s3}, messages do not). ElasticMQ implements visibility timeouts, ApproximateReceiveCount
 * and redrive to a dead-letter queue after maxReceiveCount itself.
 */
public final class EmbeddedSqs implements AutoCloseable {
    /** The account id ElasticMQ puts in queue URLs and ARNs. */
    public static final String ACCOUNT_ID = "000000000000";

    private final SQSRestServer server;
    private final URI endpoint;
    private final String region;

    private EmbeddedSqs(SQSRestServer server, URI endpoint, String region) {
        this.server = server;
        this.endpoint = endpoint;
        this.region = region;
    }

    /**
     * Starts ElasticMQ on 127.0.0.1.
     *
     * @param port the port, or 0 for a free one
     */
    public static EmbeddedSqs start(int port, String region) {
        if (port != 0) {
            // ElasticMQ logs a bind failure as a page of stack traces: say it in one line instead.
            checkFree(port);
        }
        var builder = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withAWSRegion(region)
                .withAWSAccountId(ACCOUNT_ID);
        SQSRestServer server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
        int boundPort;
        try {
            boundPort = server.waitUntilStarted().localAddress().getPort();
        } catch (RuntimeException e) {
            server.stopAndWait();
            throw new IllegalStateException("cannot start ElasticMQ on 127.0.0.1:" + port
                    + (port == 0 ? "" : " (is the port in use? pass another one, or 0 for a free one)"), e);
        }
        return new EmbeddedSqs(server, URI.create("http://127.0.0.1:" + boundPort), region);
    }

    private static void checkFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start ElasticMQ on 127.0.0.1:" + port + ": " + e.getMessage()
                    + " (is the port in use? pass another one, or 0 for a free one)", e);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    /** The ARN of a queue of this server: arn:aws:sqs:&lt;region&gt;:000000000000:&lt;name&gt;. */
    public String arn(String queueName) {
        return "arn:aws:sqs:" + region + ":" + ACCOUNT_ID + ":" + queueName;
    }

    /**
     * Creates a queue (CreateQueue is idempotent for the same attributes).
     *
     * @param visibilityTimeout how long a received message stays invisible
     * @param deadLetter        where a message goes after {@code maxReceiveCount} receives, if anywhere
     */
    public QueueRef createQueue(SqsClient sqs, String name, Duration visibilityTimeout,
                                Optional<QueueRef> deadLetter, int maxReceiveCount) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibilityTimeout.toSeconds()));
        deadLetter.ifPresent(dlq -> attributes.put(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlq.arn() + "\",\"maxReceiveCount\":\"" + maxReceiveCount + "\"}"));
        String url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
        return new QueueRef(name, url, arn(name));
    }

    @Override
    public void close() {
        server.stopAndWait();
    }

    /** A queue: its name, URL (for the SDK) and ARN (for eventSourceARN and redrive policies). */
    public record QueueRef(String name, String url, String arn) {
    }
}

package dev.sliceflow.local.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.StrictSQSLimits$;
import org.elasticmq.actor.QueueManagerActor;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.persistence.sql.SqlQueuePersistenceActor;
import org.elasticmq.persistence.sql.SqlQueuePersistenceConfig;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.elasticmq.util.NowProvider;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueNameExistsException;

/**
 * The SQS API in-process: ElasticMQ on loopback. ElasticMQ implements visibility timeouts, ApproximateReceiveCount and
 * redrive to a dead-letter queue after maxReceiveCount itself.
 *
 * <p>Queues live in memory, or, given a storage directory, also in an H2 database there (ElasticMQ's own SQL
 * persistence, {@code messages-storage} in its server's configuration): every queue and message, with its visibility,
 * receive count and attributes, is written before the API call returns, and restored on the next start, so a message
 * waiting or in flight when the server stops is delivered after a restart. ElasticMQ keeps that database's connection
 * pool in a JVM-wide singleton: one persistent server per JVM at a time.
 */
public final class EmbeddedSqs implements AutoCloseable {
    /** The account id ElasticMQ puts in queue URLs and ARNs. */
    public static final String ACCOUNT_ID = "000000000000";
    private static final java.util.concurrent.atomic.AtomicBoolean PERSISTENT_RUNNING =
            new java.util.concurrent.atomic.AtomicBoolean();

    private final SQSRestServer server;
    private final URI endpoint;
    private final String region;
    /** With storage: the actor system ElasticMQ runs in (this class started it, so it stops it). */
    private final Optional<ActorSystem> persistent;

    private EmbeddedSqs(SQSRestServer server, URI endpoint, String region, Optional<ActorSystem> persistent) {
        this.server = server;
        this.endpoint = endpoint;
        this.region = region;
        this.persistent = persistent;
    }

    /**
     * Starts ElasticMQ on 127.0.0.1, queues in memory only.
     *
     * @param port the port, or 0 for a free one
     */
    public static EmbeddedSqs start(int port, String region) {
        return start(port, region, Optional.empty());
    }

    /**
     * Starts ElasticMQ on 127.0.0.1.
     *
     * @param port    the port, or 0 for a free one
     * @param storage where queues and messages are kept across restarts ({@code elasticmq.mv.db}); empty: in memory
     * @throws IllegalStateException if the port is taken, the stored queues cannot be restored, or another persistent
     *                               server runs in this JVM
     */
    public static EmbeddedSqs start(int port, String region, Optional<Path> storage) {
        if (port != 0) {
            // ElasticMQ logs a bind failure as a page of stack traces: say it in one line instead.
            checkFree(port);
        }
        var builder = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withAWSRegion(region)
                .withAWSAccountId(ACCOUNT_ID);
        Optional<ActorSystem> system = Optional.empty();
        if (storage.isPresent()) {
            if (!PERSISTENT_RUNNING.compareAndSet(false, true)) {
                throw new IllegalStateException("another ElasticMQ with persistent queues runs in this JVM (ElasticMQ"
                        + " keeps its database in a JVM-wide pool): stop it first");
            }
            try {
                Persistence restored = Persistence.restore(storage.get());
                system = Optional.of(restored.system());
                builder = builder.withActorSystem(restored.system()).withQueueManagerActor(restored.manager())
                        .withQueueEventListener(restored.store());
            } catch (RuntimeException e) {
                PERSISTENT_RUNNING.set(false);
                throw e;
            }
        }
        SQSRestServer server;
        int boundPort;
        try {
            server = (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
            try {
                boundPort = server.waitUntilStarted().localAddress().getPort();
            } catch (RuntimeException e) {
                server.stopAndWait();
                throw e;
            }
        } catch (RuntimeException e) {
            system.ifPresent(Persistence::stop);
            throw new IllegalStateException("cannot start ElasticMQ on 127.0.0.1:" + port
                    + (port == 0 ? "" : " (is the port in use? pass another one, or 0 for a free one)"), e);
        }
        return new EmbeddedSqs(server, URI.create("http://127.0.0.1:" + boundPort), region, system);
    }

    /** ElasticMQ's SQL persistence, wired as its standalone server wires it (ElasticMQServer). */
    private record Persistence(ActorSystem system, ActorRef store, ActorRef manager) {
        private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(60);

        static Persistence restore(Path dir) {
            String url = "jdbc:h2:file:" + dir.toAbsolutePath().resolve("elasticmq") + ";DB_CLOSE_ON_EXIT=FALSE";
            try {
                java.nio.file.Files.createDirectories(dir);
                Class.forName("org.h2.Driver");
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException("cannot keep SQS queues in " + dir + ": " + e.getMessage(), e);
            }
            // ElasticMQ's DB points its JVM-wide pool at the first URL it sees, once: point it at this one
            scalikejdbc.ConnectionPoolSettings settings = scalikejdbc.ConnectionPool.singleton$default$4();
            scalikejdbc.ConnectionPool.singleton(url, "sa", "", settings,
                    scalikejdbc.ConnectionPool.singleton$default$5(url, "sa", "", settings));
            ActorSystem system = ActorSystem.create("elasticmq");
            try {
                ActorRef store = system.actorOf(Props.create(SqlQueuePersistenceActor.class,
                        new SqlQueuePersistenceConfig(true, "org.h2.Driver", url, "sa", "", false),
                        scala.collection.immutable.Nil$.MODULE$));
                ActorRef manager = system.actorOf(Props.create(QueueManagerActor.class, new NowProvider(),
                        StrictSQSLimits$.MODULE$, scala.Option.apply(store)));
                Object result = Patterns.ask(store, new QueueEvent.Restore(manager), RESTORE_TIMEOUT)
                        .toCompletableFuture().get(RESTORE_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                if (result instanceof scala.util.Left<?, ?> errors) {
                    throw new IllegalStateException("cannot restore the SQS queues kept in " + dir + ": "
                            + errors.value());
                }
                return new Persistence(system, store, manager);
            } catch (Exception e) {
                stop(system);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw e instanceof IllegalStateException ise ? ise : new IllegalStateException(
                        "cannot restore the SQS queues kept in " + dir + " (delete " + dir + " to start empty): " + e,
                        e);
            }
        }

        static void stop(ActorSystem system) {
            try {
                system.terminate();
                system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
            } finally {
                scalikejdbc.ConnectionPool.closeAll();
                PERSISTENT_RUNNING.set(false);
            }
        }
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
        String url;
        try {
            url = sqs.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
        } catch (QueueNameExistsException e) {
            // kept from an earlier run with other settings (e.g. another visibility timeout): take today's
            url = sqs.getQueueUrl(b -> b.queueName(name)).queueUrl();
            String existing = url;
            sqs.setQueueAttributes(b -> b.queueUrl(existing).attributes(attributes));
        }
        return new QueueRef(name, url, arn(name));
    }

    /** Stops the server; with storage, after every change it accepted is written (its API calls waited for that). */
    @Override
    public void close() {
        server.stopAndWait();
        persistent.ifPresent(Persistence::stop);
    }

    /** A queue: its name, URL (for the SDK) and ARN (for eventSourceARN and redrive policies). */
    public record QueueRef(String name, String url, String arn) {
    }
}

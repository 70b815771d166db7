package dev.sliceflow.local.runtime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.runtime.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The cloud stack on one machine: embedded SQS (ElasticMQ) with the stack's queues, embedded S3 (s3proxy) with the
 * staging bucket and its manifest notification to the load queue, and pollers that feed handlers from queues as
 * Lambda's event source mappings do. The real handlers are built from {@link #settings()}, the same keys a Lambda
 * function gets in its environment:
 *
 * <pre>{@code
 * try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
 *     runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER, WorkerHandler::new);
 *     runtime.attach(runtime.queues().load(), LocalRuntime.LOADER, LoaderHandler::new);
 *     ...
 * }
 * }</pre>
 *
 * Starting again on the same directory finds the bucket and its objects again; queues start empty, unless they are
 * kept ({@link LocalRuntimeConfig#withPersistentQueues}: what was queued or in flight is delivered after a restart).
 * One runtime at a time may use a directory.
 */
public final class LocalRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);

    /** The worker's mapping: one slice per invocation, Lambda's 15 min timeout. */
    public static final EventSourceMapping WORKER = EventSourceMapping.of("sliceflow-worker", 1, 2,
            Duration.ofMinutes(15));
    /**
     * Manifests per loader invocation at most, by default: into DuckDB as into the lake, every batch pays a commit (and
     * DuckDB a statement per step), so 1,000 load 2.1-2.4x faster than 100 (docs/performance.md: the loader).
     */
    public static final int LOAD_BATCH_SIZE = 1000;
    /** How long the loader's mapping gathers manifests before loading fewer than a full batch, by default. */
    public static final Duration LOAD_BATCH_WINDOW = Duration.ofSeconds(2);
    /** The loader's mapping: batches of manifests, concurrency 1 (DuckDB has one writer). */
    public static final EventSourceMapping LOADER = EventSourceMapping.of("sliceflow-loader", 1, 1,
            Duration.ofMinutes(5)).withBatching(LOAD_BATCH_SIZE, LOAD_BATCH_WINDOW);

    private final LocalRuntimeConfig config;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final List<SqsPoller> pollers = Collections.synchronizedList(new ArrayList<>());
    private EmbeddedSqs sqsServer;
    private EmbeddedS3 s3Server;
    private SqsClient sqs;
    private S3Client s3;
    private Queues queues;
    private Map<String, String> environment;
    private Path workDir;
    private boolean bucketCreated;
    private Duration startup;

    private LocalRuntime(LocalRuntimeConfig config) {
        this.config = config;
    }

    /**
     * Starts SQS, creates the queues, starts S3 with the notification, creates the bucket if missing (sending the
     * s3:TestEvent S3 sends when a notification is configured).
     *
     * @throws IllegalStateException if a port is taken, the directory is in use by another runtime, or a server
     *                               does not start
     */
    public static LocalRuntime start(LocalRuntimeConfig config) {
        LocalRuntime runtime = new LocalRuntime(config);
        try {
            runtime.startAll();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void startAll() {
        long start = System.nanoTime();
        config.dir().ifPresent(this::lock);
        // s3proxy and ElasticMQ start in parallel (each takes about a second); S3 events wait for the notifier,
        // which needs the load queue.
        CompletableFuture<S3EventNotifier> notifier = new CompletableFuture<>();
        CompletableFuture<EmbeddedS3> s3Start = CompletableFuture.supplyAsync(
                () -> EmbeddedS3.start(config.s3Port(), config.dir().map(d -> d.resolve("s3")), config.credentials(),
                        store -> new NotifyingBlobStore(store, notifier::join)),
                task -> Thread.ofPlatform().name("sliceflow-s3-start").start(task));
        long sqsUp;
        long queuesUp;
        try {
            sqsServer = EmbeddedSqs.start(config.sqsPort(), config.region(), config.queueStorage());
            resources.add(sqsServer);
            sqsUp = System.nanoTime();
            sqs = new AwsClients(Region.of(config.region()), config.credentials().provider(), Optional.empty(),
                    Optional.of(sqsServer.endpoint())).sqs();
            resources.add(sqs);
            queues = createQueues();
            queuesUp = System.nanoTime();
            notifier.complete(new S3EventNotifier(new S3EventNotifier.Config("sliceflow-manifests", config.region(),
                    config.bucket(), config.manifestPrefix(), config.manifestSuffix(), queues.load().url()), sqs,
                    config.credentials().accessKeyId()));
        } catch (RuntimeException e) {
            notifier.completeExceptionally(e);
            s3Start.thenAccept(EmbeddedS3::close);
            throw e;
        }
        try {
            s3Server = s3Start.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        resources.add(s3Server);
        long s3Up = System.nanoTime();
        s3 = new AwsClients(Region.of(config.region()), config.credentials().provider(),
                Optional.of(s3Server.endpoint()), Optional.empty()).s3();
        resources.add(s3);
        bucketCreated = ensureBucket();
        if (bucketCreated) {
            notifier.join().testEvent();
        }
        workDir = config.dir().map(d -> d.resolve("work")).orElseGet(LocalRuntime::temporaryWorkDir);
        createDirectory(workDir);
        environment = buildEnvironment();
        startup = Duration.ofNanos(System.nanoTime() - start);
        LOG.info("local runtime up in {} ms (SQS {} ms, then queues {} ms; S3 waited for {} ms more; bucket {} ms): "
                        + "S3 {} (bucket {}), SQS {}", startup.toMillis(), millis(start, sqsUp),
                millis(sqsUp, queuesUp), millis(queuesUp, s3Up), millis(s3Up, System.nanoTime()),
                s3Server.endpoint(), config.bucket(), sqsServer.endpoint());
    }

    private Queues createQueues() {
        String prefix = config.queuePrefix();
        QueueRef syncDlq = sqsServer.createQueue(sqs, prefix + "-sync-dlq", config.syncVisibilityTimeout(),
                Optional.empty(), 0);
        QueueRef sync = sqsServer.createQueue(sqs, prefix + "-sync", config.syncVisibilityTimeout(),
                Optional.of(syncDlq), config.maxReceiveCount());
        QueueRef loadDlq = sqsServer.createQueue(sqs, prefix + "-load-dlq", config.loadVisibilityTimeout(),
                Optional.empty(), 0);
        QueueRef load = sqsServer.createQueue(sqs, prefix + "-load", config.loadVisibilityTimeout(),
                Optional.of(loadDlq), config.maxReceiveCount());
        return new Queues(sync, syncDlq, load, loadDlq);
    }

    private static long millis(long from, long to) {
        return (to - from) / 1_000_000L;
    }

    private boolean ensureBucket() {
        try {
            s3.headBucket(b -> b.bucket(config.bucket()));
            return false;
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(config.bucket()));
            return true;
        }
    }

    private Map<String, String> buildEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", config.region());
        env.put("AWS_ACCESS_KEY_ID", config.credentials().accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", config.credentials().secretAccessKey());
        env.put("SLICEFLOW_BUCKET", config.bucket());
        env.put("SLICEFLOW_SYNC_QUEUE_URL", queues.sync().url());
        env.put("SLICEFLOW_SYNC_DLQ_URL", queues.syncDlq().url());
        env.put("SLICEFLOW_LOAD_QUEUE_URL", queues.load().url());
        env.put("SLICEFLOW_LOAD_DLQ_URL", queues.loadDlq().url());
        env.put("SLICEFLOW_S3_ENDPOINT", s3Server.endpoint().toString());
        env.put("SLICEFLOW_SQS_ENDPOINT", sqsServer.endpoint().toString());
        env.put("SLICEFLOW_WORK_DIR", workDir.toAbsolutePath().toString());
        config.dir().ifPresent(dir -> env.put("SLICEFLOW_WAREHOUSE_URL",
                "jdbc:duckdb:" + dir.resolve("warehouse.duckdb").toAbsolutePath()));
        return Collections.unmodifiableMap(env);
    }

    /**
     * The Lambda environment of the stack's functions, pointing at this runtime: AWS_REGION, the static keys,
     * SLICEFLOW_BUCKET, the queue URLs (SLICEFLOW_SYNC_QUEUE_URL, SLICEFLOW_SYNC_DLQ_URL, SLICEFLOW_LOAD_QUEUE_URL,
     * SLICEFLOW_LOAD_DLQ_URL), SLICEFLOW_S3_ENDPOINT, SLICEFLOW_SQS_ENDPOINT, SLICEFLOW_WORK_DIR
     * ({@code <dir>/work}, or a temporary directory) and, with a directory, SLICEFLOW_WAREHOUSE_URL (DuckDB in it).
     */
    public Map<String, String> environment() {
        return environment;
    }

    /** {@link #environment()} with extra or overriding keys, e.g. another SLICEFLOW_WAREHOUSE_URL. */
    public Settings settings(Map<String, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(overrides);
        return Settings.from(env);
    }

    public Settings settings() {
        return Settings.from(environment);
    }

    /**
     * Feeds one shared {@code handler} from {@code queue} until {@link #close()}; up to maxConcurrency threads
     * invoke it at once, so it must be thread-safe. Prefer {@link #attach(QueueRef, EventSourceMapping,
     * HandlerFactory)} for the real handlers.
     */
    public SqsPoller attach(QueueRef queue, EventSourceMapping mapping,
                            RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        checkVisibility(queue, mapping);
        SqsPoller poller = SqsPoller.start(sqs, queue, config.region(), mapping, handler);
        pollers.add(poller);
        return poller;
    }

    /**
     * Feeds handlers built by {@code factory} from the queue, one per execution environment as Lambda runs a
     * function: maxConcurrency handlers, each built once from {@link #settings()} with its own SLICEFLOW_WORK_DIR
     * ({@code <work>/<function>-<n>}, like each Lambda container's own /tmp), each invoked by one thread at a time.
     *
     * @throws RuntimeException what the factory throws (a handler that cannot be built fails here)
     */
    public SqsPoller attach(QueueRef queue, EventSourceMapping mapping, HandlerFactory factory) {
        checkVisibility(queue, mapping);
        Path workRoot = Path.of(environment.get("SLICEFLOW_WORK_DIR"));
        SqsPoller poller = SqsPoller.start(sqs, queue, config.region(), mapping, n -> {
            Path environmentDir = workRoot.resolve(mapping.functionName() + "-" + n);
            createDirectory(environmentDir);
            return factory.create(settings(Map.of("SLICEFLOW_WORK_DIR", environmentDir.toString())));
        });
        pollers.add(poller);
        return poller;
    }

    /**
     * Lambda refuses an SQS event source mapping whose queue's visibility timeout is shorter than the function
     * timeout (a record would be delivered again while its first invocation still runs), and a batching window counts
     * too (a record waits in it, invisible, before the invocation starts): so does local mode.
     */
    private void checkVisibility(QueueRef queue, EventSourceMapping mapping) {
        long visibility = Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(queue.url())
                .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes()
                .get(QueueAttributeName.VISIBILITY_TIMEOUT));
        long timeout = (mapping.timeout().plus(mapping.batchWindow()).toMillis() + 999) / 1000;
        if (visibility < timeout) {
            throw new IllegalStateException("cannot feed " + mapping.functionName() + " from " + queue.name()
                    + ": queue visibility timeout " + visibility + " s is less than the function timeout plus the"
                    + " batching window, " + timeout + " s (a record would be delivered again while its batch still"
                    + " gathers or runs); raise the visibility timeout or lower the function timeout or window");
        }
    }

    /**
     * Waits until the pipeline is idle: the sync and load queues hold no message (visible, in flight or delayed)
     * and no handler runs, twice in a row 100 ms apart (a handler may enqueue right as it finishes). Messages in the
     * DLQs do not count. A failed record waits out its visibility timeout, so this can take that long.
     *
     * @return false if still busy after {@code timeout}
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int quietChecks = 0;
        while (System.nanoTime() < deadline) {
            quietChecks = idle() ? quietChecks + 1 : 0;
            if (quietChecks == 2) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** Nothing running and nothing waiting on the sync and load queues, right now. */
    public boolean idle() {
        boolean running = pollers().stream().anyMatch(p -> p.stats().inFlight() > 0);
        return !running && messages(queues.sync()) == 0 && messages(queues.load()) == 0;
    }

    /** Messages in a queue: visible, in flight and delayed. */
    public long messages(QueueRef queue) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(queue.url())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)).attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    public Queues queues() {
        return queues;
    }

    public String bucket() {
        return config.bucket();
    }

    public String region() {
        return config.region();
    }

    public URI s3Endpoint() {
        return s3Server.endpoint();
    }

    public URI sqsEndpoint() {
        return sqsServer.endpoint();
    }

    /** A client of the embedded S3 (path-style, local keys). Closed with the runtime. */
    public S3Client s3() {
        return s3;
    }

    /** A client of the embedded SQS. Closed with the runtime. */
    public SqsClient sqs() {
        return sqs;
    }

    /** True if this start created the bucket (a fresh directory, or an in-memory store). */
    public boolean bucketCreated() {
        return bucketCreated;
    }

    /** How long {@link #start} took. */
    public Duration startup() {
        return startup;
    }

    public List<SqsPoller> pollers() {
        return List.copyOf(pollers);
    }

    /**
     * Stops the pollers (waiting for in-flight invocations), then S3, then SQS. Idempotent.
     */
    @Override
    public synchronized void close() {
        List<SqsPoller> stopping = new ArrayList<>(pollers);
        pollers.clear();
        stopping.parallelStream().forEach(SqsPoller::close);
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.warn("cannot close {}: {}", resources.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        resources.clear();
    }

    private void lock(Path dir) {
        createDirectory(dir);
        Path lockFile = dir.resolve(".lock");
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalStateException(dir + " is in use by another sliceflow runtime (" + lockFile
                        + " is locked); stop it or pass another --dir");
            }
            resources.add(channel);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lock " + lockFile, e);
        }
    }

    private static Path temporaryWorkDir() {
        try {
            return Files.createTempDirectory("sliceflow-work");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a work directory under "
                    + System.getProperty("java.io.tmpdir"), e);
        }
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir, e);
        }
    }

    /** The stack's queues. */
    public record Queues(QueueRef sync, QueueRef syncDlq, QueueRef load, QueueRef loadDlq) {
    }
}

package dev.sliceflow.local.runtime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * Lambda's SQS event source mapping, locally: {@code maxConcurrency} pollers each long-poll the queue, hand a batch of
 * up to {@code batchSize} records to the handler as an {@link SQSEvent} with a Lambda {@code Context}, and settle it
 * as Lambda does with ReportBatchItemFailures:
 * <ul>
 *   <li>no failures (a null response, a null or empty list): the whole batch is deleted;</li>
 *   <li>failures listed by messageId: every other record is deleted, the listed ones are left alone;</li>
 *   <li>a failure with a null, empty or unknown itemIdentifier, an exception, or a timeout: nothing is deleted.</li>
 * </ul>
 * An invocation still running at its function timeout is abandoned as Lambda kills it: the poller stops waiting for
 * it, logs {@code Task timed out after N seconds}, interrupts it and deletes none of its records; whatever it returns
 * later is discarded. Its environment takes no new batch until the abandoned invocation has ended (Lambda would start
 * a fresh environment instead), so a handler instance still never runs two invocations at once.
 * Records not deleted become visible again after the queue's visibility timeout, and SQS (ElasticMQ) moves them to
 * the dead-letter queue after maxReceiveCount receives. Nothing here changes a record's visibility, as Lambda does not.
 *
 * <p>Each poller thread is one execution environment: given one handler per environment, no two invocations ever
 * run on the same handler instance at once, as in Lambda (where each concurrent invocation has its own container and
 * its own /tmp). A handler that is also {@link AutoCloseable} is closed when its environment stops (local mode only:
 * Lambda freezes and discards containers without a call), e.g. to checkpoint an embedded database.
 */
public final class SqsPoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqsPoller.class);

    private final SqsClient sqs;
    private final QueueRef queue;
    private final String region;
    private final EventSourceMapping mapping;
    private final List<Thread> threads = new ArrayList<>();
    private final List<RequestHandler<SQSEvent, SQSBatchResponse>> handlers = new ArrayList<>();
    /** Per environment, the thread running its current (or abandoned) invocation, if any. */
    private final List<AtomicReference<Thread>> invocationThreads = new ArrayList<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    private final AtomicLong failedRecords = new AtomicLong();
    private final AtomicLong failedInvocations = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

    private enum State { RUNNING, STOPPING, STOPPED }

    private SqsPoller(SqsClient sqs, QueueRef queue, String region, EventSourceMapping mapping) {
        this.sqs = sqs;
        this.queue = queue;
        this.region = region;
        this.mapping = mapping;
    }

    /**
     * Starts polling {@code queue} with one shared handler, invoked by up to maxConcurrency threads at once: it
     * must be thread-safe.
     *
     * @param sqs    the client to receive and delete with (shared; SqsClient is thread-safe)
     * @param region the records' awsRegion
     */
    public static SqsPoller start(SqsClient sqs, QueueRef queue, String region, EventSourceMapping mapping,
                                  RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        return start(sqs, queue, region, mapping, environment -> handler);
    }

    /**
     * Starts polling {@code queue} with one handler per execution environment, as Lambda runs a function: the
     * factory is called now, once for each environment 0..maxConcurrency-1 (so that a handler that cannot be built
     * fails here, not at the first message).
     */
    public static SqsPoller start(SqsClient sqs, QueueRef queue, String region, EventSourceMapping mapping,
                                  IntFunction<RequestHandler<SQSEvent, SQSBatchResponse>> environmentFactory) {
        List<RequestHandler<SQSEvent, SQSBatchResponse>> environments = new ArrayList<>();
        for (int i = 0; i < mapping.maxConcurrency(); i++) {
            environments.add(environmentFactory.apply(i));
        }
        SqsPoller poller = new SqsPoller(sqs, queue, region, mapping);
        for (int i = 0; i < mapping.maxConcurrency(); i++) {
            RequestHandler<SQSEvent, SQSBatchResponse> handler = environments.get(i);
            poller.handlers.add(handler);
            AtomicReference<Thread> invocation = new AtomicReference<>();
            poller.invocationThreads.add(invocation);
            Environment environment = new Environment(mapping.functionName() + "-" + i, handler, invocation);
            Thread thread = Thread.ofPlatform().name(environment.name() + "-poll")
                    .unstarted(() -> poller.run(environment));
            poller.threads.add(thread);
        }
        poller.threads.forEach(Thread::start);
        LOG.info("{} polls {} (batch size {}, max concurrency {}, timeout {})", mapping.functionName(), queue.name(),
                mapping.batchSize(), mapping.maxConcurrency(), mapping.timeout());
        return poller;
    }

    public EventSourceMapping mapping() {
        return mapping;
    }

    public QueueRef queue() {
        return queue;
    }

    /** Counters since start. */
    public Stats stats() {
        return new Stats(invocations.get(), failedInvocations.get(), deleted.get(), failedRecords.get(),
                inFlight.get());
    }

    /**
     * What the poller did so far.
     *
     * @param invocations       handler invocations
     * @param failedInvocations invocations whose whole batch failed (exception, timeout, invalid response)
     * @param deletedRecords    records deleted (processed)
     * @param failedRecords     records left for redelivery
     * @param inFlight          invocations running now
     */
    public record Stats(long invocations, long failedInvocations, long deletedRecords, long failedRecords,
                        long inFlight) {
    }

    private void run(Environment environment) {
        while (state.get() == State.RUNNING) {
            try {
                pollOnce(environment);
            } catch (RuntimeException e) {
                if (state.get() != State.RUNNING) {
                    break;
                }
                LOG.warn("{} cannot poll {}: {}; retrying in 1 s", mapping.functionName(), queue.url(), e.toString());
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    /** One execution environment: its name (its invocations' thread name), its handler, its running invocation. */
    private record Environment(String name, RequestHandler<SQSEvent, SQSBatchResponse> handler,
                               AtomicReference<Thread> invocation) {
    }

    private void pollOnce(Environment environment) {
        List<Message> messages = new ArrayList<>(receive(Math.min(10, mapping.batchSize()),
                (int) mapping.pollWait().toSeconds()));
        if (messages.isEmpty()) {
            return;
        }
        // Lambda's batching window: gather until the batch is full, its payload near 6 MB, or the window has passed
        long deadline = System.nanoTime() + mapping.batchWindow().toNanos();
        long payload = messages.stream().mapToLong(m -> m.body().length()).sum();
        while (messages.size() < mapping.batchSize() && payload < EventSourceMapping.MAX_PAYLOAD_BYTES / 2
                && state.get() == State.RUNNING) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            int wait = (int) Math.min(20, Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(remaining)));
            List<Message> more = receive(Math.min(10, mapping.batchSize() - messages.size()), wait);
            messages.addAll(more);
            payload += more.stream().mapToLong(m -> m.body().length()).sum();
        }
        if (state.get() != State.RUNNING) {
            release(messages);
            return;
        }
        inFlight.incrementAndGet();
        try {
            invoke(environment, messages);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private List<Message> receive(int max, int waitSeconds) {
        return sqs.receiveMessage(b -> b.queueUrl(queue.url())
                .maxNumberOfMessages(max)
                .waitTimeSeconds(waitSeconds)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                .messageAttributeNames("All")).messages();
    }

    private void invoke(Environment environment, List<Message> messages) {
        invocations.incrementAndGet();
        SQSEvent event = toEvent(messages);
        LocalContext context = new LocalContext(mapping, region, System.nanoTime());
        CompletableFuture<SQSBatchResponse> result = new CompletableFuture<>();
        Thread invocation = Thread.ofPlatform().name(environment.name()).unstarted(() -> {
            try {
                result.complete(environment.handler().handleRequest(event, context));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        environment.invocation().set(invocation);
        invocation.start();
        SQSBatchResponse response;
        try {
            response = result.get(context.remainingNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            timedOut(environment, invocation, context, messages.size());
            return;
        } catch (InterruptedException e) {
            // stopping, past the shutdown grace: abandon the invocation as a dying container would
            Thread.currentThread().interrupt();
            invocation.interrupt();
            failedInvocations.incrementAndGet();
            failedRecords.addAndGet(messages.size());
            return;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof VirtualMachineError error) {
                throw error;
            }
            failedInvocations.incrementAndGet();
            failedRecords.addAndGet(messages.size());
            LOG.error("{} {} failed; its batch of {} record(s) is retried after the visibility timeout",
                    mapping.functionName(), context.getAwsRequestId(), messages.size(), e.getCause());
            return;
        }
        if (context.timedOut()) {
            timedOut(environment, invocation, context, messages.size());
            return;
        }
        settle(messages, response, context.getAwsRequestId());
    }

    /**
     * As Lambda at the function timeout: the invocation is abandoned (interrupted; nothing it returns counts), none of
     * its records is deleted, and the environment waits for it to end before it takes another batch.
     */
    private void timedOut(Environment environment, Thread invocation, LocalContext context, int records) {
        failedInvocations.incrementAndGet();
        failedRecords.addAndGet(records);
        invocation.interrupt();
        LOG.error("{} {} Task timed out after {} seconds; its batch of {} record(s) is retried after the visibility"
                        + " timeout", mapping.functionName(), context.getAwsRequestId(),
                String.format(java.util.Locale.ROOT, "%.2f", mapping.timeout().toMillis() / 1000.0), records);
        try {
            invocation.join(Duration.ofSeconds(1));
            while (invocation.isAlive() && state.get() == State.RUNNING) {
                LOG.warn("{} still runs its timed-out invocation {} (interrupted); it takes no new batch until that"
                        + " ends", environment.name(), context.getAwsRequestId());
                invocation.join(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void settle(List<Message> messages, SQSBatchResponse response, String requestId) {
        Set<String> batchIds = new HashSet<>();
        messages.forEach(m -> batchIds.add(m.messageId()));
        Set<String> failed = new HashSet<>();
        List<SQSBatchResponse.BatchItemFailure> failures = response == null ? null : response.getBatchItemFailures();
        if (failures != null) {
            for (SQSBatchResponse.BatchItemFailure failure : failures) {
                String id = failure == null ? null : failure.getItemIdentifier();
                if (id == null || id.isBlank() || !batchIds.contains(id)) {
                    failedInvocations.incrementAndGet();
                    failedRecords.addAndGet(messages.size());
                    LOG.error("{} {} returned an invalid batchItemFailures itemIdentifier '{}' (not a messageId of "
                                    + "the batch): the whole batch of {} record(s) fails, as in Lambda",
                            mapping.functionName(), requestId, id, messages.size());
                    return;
                }
                failed.add(id);
            }
        }
        List<Message> done = messages.stream().filter(m -> !failed.contains(m.messageId())).toList();
        failedRecords.addAndGet(failed.size());
        if (!failed.isEmpty()) {
            LOG.info("{} {} reported {} of {} record(s) failed; they are retried after the visibility timeout",
                    mapping.functionName(), requestId, failed.size(), messages.size());
        }
        delete(done);
    }

    private void delete(List<Message> done) {
        for (int from = 0; from < done.size(); from += 10) {
            deleteBatch(done.subList(from, Math.min(done.size(), from + 10)));
        }
    }

    /** At most 10 entries: SQS's DeleteMessageBatch limit. */
    private void deleteBatch(List<Message> done) {
        if (done.isEmpty()) {
            return;
        }
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < done.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(done.get(i).receiptHandle()).build());
        }
        DeleteMessageBatchResponse response = sqs.deleteMessageBatch(b -> b.queueUrl(queue.url()).entries(entries));
        deleted.addAndGet(response.successful().size());
        response.failed().forEach(f -> LOG.warn("{} cannot delete record {} from {}: {} {}", mapping.functionName(),
                done.get(Integer.parseInt(f.id())).messageId(), queue.name(), f.code(), f.message()));
    }

    /** Messages received while stopping go back to the queue at once rather than after the visibility timeout. */
    private void release(List<Message> messages) {
        for (int from = 0; from < messages.size(); from += 10) {
            releaseBatch(messages.subList(from, Math.min(messages.size(), from + 10)));
        }
    }

    private void releaseBatch(List<Message> messages) {
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                    .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(0).build());
        }
        try {
            sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queue.url()).entries(entries));
        } catch (RuntimeException e) {
            LOG.debug("cannot release {} message(s) to {} while stopping: {}", messages.size(), queue.name(),
                    e.toString());
        }
    }

    private SQSEvent toEvent(List<Message> messages) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>(messages.size());
        for (Message message : messages) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId(message.messageId());
            record.setReceiptHandle(message.receiptHandle());
            record.setBody(message.body());
            record.setAttributes(new HashMap<>(message.attributesAsStrings()));
            record.setMessageAttributes(toAttributes(message.messageAttributes()));
            record.setMd5OfBody(message.md5OfBody());
            record.setMd5OfMessageAttributes(message.md5OfMessageAttributes());
            record.setEventSource("aws:sqs");
            record.setEventSourceArn(queue.arn());
            record.setAwsRegion(region);
            records.add(record);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }

    private static Map<String, SQSEvent.MessageAttribute> toAttributes(Map<String, MessageAttributeValue> values) {
        Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
        values.forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            if (value.binaryValue() != null) {
                attribute.setBinaryValue(value.binaryValue().asByteBuffer());
            }
            attribute.setStringListValues(value.hasStringListValues() ? value.stringListValues() : List.of());
            attribute.setBinaryListValues(value.hasBinaryListValues()
                    ? value.binaryListValues().stream().map(SdkBytes::asByteBuffer).toList()
                    : List.<ByteBuffer>of());
            attributes.put(name, attribute);
        });
        return attributes;
    }

    /**
     * Stops polling and waits for in-flight invocations (at most the mapping's shutdown grace). Idempotent.
     */
    @Override
    public void close() {
        if (!state.compareAndSet(State.RUNNING, State.STOPPING)) {
            return;
        }
        long deadline = System.nanoTime() + mapping.shutdownGrace().plus(mapping.pollWait()).toNanos();
        for (Thread thread : threads) {
            try {
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    thread.join(Duration.ofNanos(remaining));
                }
                if (thread.isAlive()) {
                    LOG.warn("{} is still running after the shutdown grace {}; abandoning it (its records come back "
                            + "after the visibility timeout)", thread.getName(), mapping.shutdownGrace());
                    thread.interrupt();
                    thread.join(Duration.ofSeconds(1));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeHandlers();
        state.set(State.STOPPED);
        LOG.info("{} stopped polling {}: {}", mapping.functionName(), queue.name(), stats());
    }

    /** Closes each AutoCloseable handler once, unless an abandoned invocation still runs on it. */
    private void closeHandlers() {
        Map<RequestHandler<SQSEvent, SQSBatchResponse>, Boolean> idle = new IdentityHashMap<>();
        for (int i = 0; i < threads.size(); i++) {
            Thread invocation = invocationThreads.get(i).get();
            idle.merge(handlers.get(i), !threads.get(i).isAlive() && (invocation == null || !invocation.isAlive()),
                    Boolean::logicalAnd);
        }
        idle.forEach((handler, stopped) -> {
            if (stopped && handler instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.warn("{} cannot close its handler {}: {}", mapping.functionName(),
                            handler.getClass().getSimpleName(), e.toString());
                }
            }
        });
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

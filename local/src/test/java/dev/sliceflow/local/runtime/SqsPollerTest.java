package dev.sliceflow.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.LocalSqs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The event source mapping against a real SQS API (ElasticMQ): Lambda's partial batch semantics, redrive, limits. */
class SqsPollerTest {
    // Short, so redelivery is quick, but long enough that a loaded machine settles a batch before it expires.
    private static final Duration VISIBILITY = Duration.ofSeconds(2);
    private static EmbeddedSqs server;
    private static SqsClient sqs;

    private QueueRef queue;
    private QueueRef dlq;
    private SqsPoller poller;

    @BeforeAll
    static void startSqs() {
        server = EmbeddedSqs.start(0, "us-east-1");
        sqs = new AwsClients(Region.US_EAST_1, LocalCredentials.DEFAULT.provider(), Optional.empty(),
                Optional.of(server.endpoint())).sqs();
    }

    @AfterAll
    static void stopSqs() {
        sqs.close();
        server.close();
    }

    @BeforeEach
    void createQueues(TestInfo test) {
        String name = test.getTestMethod().orElseThrow().getName().replaceAll("[^A-Za-z0-9]", "").substring(0, 20)
                + System.nanoTime() % 100000;
        dlq = server.createQueue(sqs, name + "-dlq", VISIBILITY, Optional.empty(), 0);
        queue = server.createQueue(sqs, name, VISIBILITY, Optional.of(dlq), 5);
    }

    @AfterEach
    void stopPoller() {
        if (poller != null) {
            poller.close();
        }
    }

    @Test
    void poll_whenSomeRecordsFail_onlyThoseAreRedelivered() {
        send("ok-1", "fail-2", "ok-3", "fail-4");
        List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();
        poller = start(mapping(10, 1), event -> {
            seen.addAll(event.getRecords());
            return failures(event, r -> r.getBody().startsWith("fail")
                    && r.getAttributes().get("ApproximateReceiveCount").equals("1"));
        });

        await(() -> seen.stream().filter(r -> r.getBody().startsWith("fail")).count() == 4);

        assertThat(seen).filteredOn(r -> r.getBody().startsWith("ok"))
                .extracting(r -> r.getAttributes().get("ApproximateReceiveCount")).containsExactly("1", "1");
        assertThat(seen).filteredOn(r -> r.getBody().equals("fail-2"))
                .extracting(r -> r.getAttributes().get("ApproximateReceiveCount")).containsExactly("1", "2");
        assertThat(seen).filteredOn(r -> r.getBody().equals("fail-4"))
                .extracting(r -> r.getAttributes().get("ApproximateReceiveCount")).containsExactly("1", "2");
        await(() -> messagesIn(queue) == 0);
        assertThat(messagesIn(dlq)).isZero();
    }

    @Test
    void poll_withABatchingWindow_gathersMoreThanOneReceiveIntoOneInvocation() {
        for (int i = 0; i < 25; i++) {
            send("m-" + i);
        }
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        poller = start(mapping(1, 1).withBatching(25, Duration.ofSeconds(1)), event -> {
            sizes.add(event.getRecords().size());
            return new SQSBatchResponse(List.of());
        });

        await(() -> sizes.stream().mapToInt(Integer::intValue).sum() == 25);

        assertThat(sizes).containsExactly(25);
        await(() -> messagesIn(queue) == 0);
    }

    @Test
    void poll_withABatchingWindow_invokesWithFewerRecordsOnceTheWindowHasPassed() {
        send("a", "b", "c");
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        List<Long> invokedAfter = new CopyOnWriteArrayList<>();
        poller = start(mapping(1, 1).withBatching(100, Duration.ofSeconds(1)), event -> {
            invokedAfter.add(Duration.ofNanos(System.nanoTime() - start).toMillis());
            sizes.add(event.getRecords().size());
            return new SQSBatchResponse(List.of());
        });

        await(() -> !sizes.isEmpty());

        assertThat(sizes).containsExactly(3);
        assertThat(invokedAfter.get(0)).as("ms until the invocation: the window passed first").isGreaterThanOrEqualTo(900);
    }

    @Test
    void mapping_whenABatchAboveTenHasNoWindow_isRefusedAsLambdaRefusesIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> mapping(1, 1).withBatching(11, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchWindow of at least 1 s");
    }

    @Test
    void poll_whenRecordFailsEveryTime_itEndsInTheDlqAfterMaxReceiveCount() {
        send("poison", "good");
        AtomicInteger poisonDeliveries = new AtomicInteger();
        poller = start(mapping(10, 1), event -> failures(event, r -> {
            boolean poison = r.getBody().equals("poison");
            if (poison) {
                poisonDeliveries.incrementAndGet();
            }
            return poison;
        }));

        List<Message> dead = LocalSqs.awaitMessages(sqs, dlq.url(), Duration.ofSeconds(30));

        assertThat(dead).extracting(Message::body).containsExactly("poison");
        assertThat(poisonDeliveries.get()).isEqualTo(5);
        assertThat(messagesIn(queue)).isZero();
    }

    @Test
    void poll_whenHandlerThrows_wholeBatchIsRedelivered() {
        send("a", "b", "c");
        Map<String, List<String>> counts = new ConcurrentHashMap<>();
        AtomicBoolean thrown = new AtomicBoolean();
        poller = start(mapping(10, 1), event -> {
            event.getRecords().forEach(r -> counts.computeIfAbsent(r.getBody(), k -> new CopyOnWriteArrayList<>())
                    .add(r.getAttributes().get("ApproximateReceiveCount")));
            if (thrown.compareAndSet(false, true)) {
                throw new IllegalStateException("boom");
            }
            return new SQSBatchResponse(List.of());
        });

        await(() -> counts.size() == 3 && counts.values().stream().allMatch(c -> c.contains("1"))
                && poller.stats().deletedRecords() == 3);

        assertThat(poller.stats().failedInvocations()).isEqualTo(1);
        assertThat(counts.values()).filteredOn(c -> c.size() == 2).isNotEmpty()
                .allSatisfy(c -> assertThat(c).containsExactly("1", "2"));
        assertThat(counts.values()).allSatisfy(c -> assertThat(c.getLast()).isIn("1", "2"));
        assertThat(messagesIn(queue)).isZero();
    }

    @Test
    void poll_whenItemIdentifierIsUnknown_wholeBatchIsRedelivered() {
        send("x");
        AtomicInteger invocations = new AtomicInteger();
        poller = start(mapping(10, 1), event -> invocations.incrementAndGet() == 1
                ? new SQSBatchResponse(List.of(new SQSBatchResponse.BatchItemFailure("not-a-message-id")))
                : new SQSBatchResponse(null));

        await(() -> poller.stats().deletedRecords() == 1);

        assertThat(invocations.get()).isEqualTo(2);
        assertThat(poller.stats().failedInvocations()).isEqualTo(1);
    }

    @Test
    void poll_whenHandlerOutlivesTimeout_batchCountsAsFailed() {
        send("slow");
        AtomicInteger invocations = new AtomicInteger();
        EventSourceMapping mapping = new EventSourceMapping("slow", 1, Duration.ZERO, 1, Duration.ofMillis(300), 128,
                Duration.ofSeconds(1), Duration.ofSeconds(5));
        poller = start(mapping, event -> {
            if (invocations.incrementAndGet() == 1) {
                Await.sleep(500);
            }
            return new SQSBatchResponse(List.of());
        });

        await(() -> poller.stats().deletedRecords() == 1);

        assertThat(invocations.get()).isEqualTo(2);
    }

    @Test
    void poll_whenHandlerOutlivesTimeout_itIsInterruptedAtTheTimeoutAndItsRecordsComeBack() {
        send("slow");
        AtomicInteger invocations = new AtomicInteger();
        AtomicLong interruptedAfterMillis = new AtomicLong(-1);
        AtomicBoolean secondStartedWhileFirstRan = new AtomicBoolean();
        AtomicBoolean firstRunning = new AtomicBoolean();
        EventSourceMapping mapping = new EventSourceMapping("abandoned", 1, Duration.ZERO, 1, Duration.ofMillis(500),
                128, Duration.ofSeconds(1), Duration.ofSeconds(5));
        poller = start(mapping, event -> {
            if (invocations.incrementAndGet() == 1) {
                firstRunning.set(true);
                long start = System.nanoTime();
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    interruptedAfterMillis.set((System.nanoTime() - start) / 1_000_000);
                }
                // a handler that goes on after the interrupt: its answer (delete everything) must not count
                Await.sleep(300);
                firstRunning.set(false);
                return new SQSBatchResponse(List.of());
            }
            secondStartedWhileFirstRan.compareAndSet(false, firstRunning.get());
            return new SQSBatchResponse(List.of());
        });

        await(() -> poller.stats().deletedRecords() == 1);

        assertThat(interruptedAfterMillis.get()).as("interrupted at the 500 ms timeout").isBetween(400L, 3_000L);
        assertThat(invocations.get()).as("redelivered after the visibility timeout").isEqualTo(2);
        assertThat(secondStartedWhileFirstRan).as("one invocation per environment at a time").isFalse();
        assertThat(poller.stats().failedInvocations()).isEqualTo(1);
    }

    @Test
    void poll_respectsMaxConcurrency() {
        send(IntStream.range(0, 12).mapToObj(i -> "m" + i).toArray(String[]::new));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Set<String> done = ConcurrentHashMap.newKeySet();
        poller = start(mapping(1, 3), event -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            Await.sleep(200);
            running.decrementAndGet();
            event.getRecords().forEach(r -> done.add(r.getBody()));
            return null;
        });

        await(() -> done.size() == 12);

        assertThat(maxRunning.get()).isEqualTo(3);
        await(() -> messagesIn(queue) == 0);
    }

    @Test
    void poll_deliversRecordsAndContextLikeLambda() {
        sqs.sendMessage(b -> b.queueUrl(queue.url()).messageBody("hello")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String")
                        .stringValue("slice").build())));
        List<SQSEvent.SQSMessage> seen = new CopyOnWriteArrayList<>();
        List<Context> contexts = new CopyOnWriteArrayList<>();
        List<Integer> remaining = new CopyOnWriteArrayList<>();
        poller = start(mapping(10, 1), (event, context) -> {
            seen.addAll(event.getRecords());
            contexts.add(context);
            remaining.add(context.getRemainingTimeInMillis());
            return null;
        });

        await(() -> poller.stats().deletedRecords() == 1);

        SQSEvent.SQSMessage record = seen.getFirst();
        assertThat(record.getMessageId()).isNotBlank();
        assertThat(record.getReceiptHandle()).isNotBlank();
        assertThat(record.getBody()).isEqualTo("hello");
        assertThat(record.getEventSource()).isEqualTo("aws:sqs");
        assertThat(record.getEventSourceArn()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:" + queue.name());
        assertThat(record.getAwsRegion()).isEqualTo("us-east-1");
        assertThat(record.getMd5OfBody()).isNotBlank();
        assertThat(record.getAttributes()).containsEntry("ApproximateReceiveCount", "1")
                .containsKeys("SentTimestamp", "ApproximateFirstReceiveTimestamp");
        assertThat(record.getMessageAttributes().get("kind").getStringValue()).isEqualTo("slice");
        assertThat(record.getMessageAttributes().get("kind").getDataType()).isEqualTo("String");
        Context context = contexts.getFirst();
        assertThat(context.getAwsRequestId()).isNotBlank();
        assertThat(context.getFunctionName()).isEqualTo("test");
        assertThat(remaining.getFirst()).isBetween(50_000, 60_000);
    }

    @Test
    void close_whenInvocationInFlight_waitsForItAndLeavesNoThreads() {
        send("in-flight");
        AtomicBoolean finished = new AtomicBoolean();
        AtomicBoolean started = new AtomicBoolean();
        SqsPoller local = start(EventSourceMapping.of("closing", 1, 2, Duration.ofMinutes(1)), event -> {
            started.set(true);
            Await.sleep(700);
            finished.set(true);
            return null;
        });
        await(started::get);

        local.close();

        assertThat(finished).isTrue();
        assertThat(local.stats().deletedRecords()).isEqualTo(1);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("closing-"));
    }

    @Test
    void close_whenMessageArrivesDuringLastPoll_handsItBackAtOnce() throws Exception {
        QueueRef slow = server.createQueue(sqs, "slow-visibility-" + System.nanoTime() % 100000,
                Duration.ofSeconds(30), Optional.empty(), 0);
        AtomicInteger invocations = new AtomicInteger();
        SqsPoller local = SqsPoller.start(sqs, slow, "us-east-1", mapping(1, 1), (event, context) -> {
            invocations.incrementAndGet();
            return null;
        });
        Await.sleep(300); // the poller is in a long poll now
        CompletableFuture<Void> closing = CompletableFuture.runAsync(local::close);
        Await.sleep(50);

        sqs.sendMessage(b -> b.queueUrl(slow.url()).messageBody("late"));
        closing.get(10, TimeUnit.SECONDS);

        // Received by the stopping poller or not at all: either way visible now, not after the 30 s visibility.
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(slow.url()).waitTimeSeconds(3)).messages();
        assertThat(messages).extracting(Message::body).containsExactly("late");
        assertThat(invocations.get()).isZero();
    }

    @Test
    void close_whenHandlersAreAutoCloseable_closesEachEnvironmentsHandlerOnce() {
        List<ClosingHandler> built = new CopyOnWriteArrayList<>();
        SqsPoller local = SqsPoller.start(sqs, queue, "us-east-1", mapping(1, 2), n -> {
            ClosingHandler handler = new ClosingHandler();
            built.add(handler);
            return handler;
        });
        ClosingHandler shared = new ClosingHandler();
        SqsPoller sharing = SqsPoller.start(sqs, queue, "us-east-1", mapping(1, 3), shared);

        local.close();
        sharing.close();

        assertThat(built).hasSize(2).allSatisfy(h -> assertThat(h.closed.get()).isEqualTo(1));
        assertThat(shared.closed.get()).isEqualTo(1);
    }

    /** A handler holding something to release, like the loader's database. */
    static final class ClosingHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
        final AtomicInteger closed = new AtomicInteger();

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            return null;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    private SqsPoller start(EventSourceMapping mapping, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        return SqsPoller.start(sqs, queue, "us-east-1", mapping, handler);
    }

    private SqsPoller start(EventSourceMapping mapping,
                            Function<SQSEvent, SQSBatchResponse> handler) {
        return start(mapping, (event, context) -> handler.apply(event));
    }

    private static EventSourceMapping mapping(int batchSize, int maxConcurrency) {
        return EventSourceMapping.of("test", batchSize, maxConcurrency, Duration.ofMinutes(1));
    }

    private static SQSBatchResponse failures(SQSEvent event,
                                             Predicate<SQSEvent.SQSMessage> failed) {
        return new SQSBatchResponse(event.getRecords().stream().filter(failed)
                .map(r -> new SQSBatchResponse.BatchItemFailure(r.getMessageId())).toList());
    }

    private void send(String... bodies) {
        for (String body : bodies) {
            sqs.sendMessage(b -> b.queueUrl(queue.url()).messageBody(body));
        }
    }

    private static int messagesIn(QueueRef q) {
        Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(q.url())
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
        return Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                + Integer.parseInt(attributes.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
    }

    private static void await(BooleanSupplier condition) {
        Await.until("the condition", Duration.ofSeconds(30), condition);
    }
}

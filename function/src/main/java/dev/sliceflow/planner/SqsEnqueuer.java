package dev.sliceflow.planner;

import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.SyncRequestCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends sync requests with SendMessageBatch: 10 per call, {@code concurrency} calls in flight, failed entries retried
 * with backoff. Requests are taken from the iterable as batches free up, so memory stays bounded however many.
 */
public final class SqsEnqueuer {
    public static final int BATCH = 10;
    private static final int MAX_TRIES = 8;

    private final SqsClient sqs;
    private final int concurrency;

    /** @param concurrency SendMessageBatch calls in flight */
    public SqsEnqueuer(SqsClient sqs, int concurrency) {
        this.sqs = sqs;
        this.concurrency = concurrency;
    }

    /**
     * @param progress called with the running count of messages sent
     * @return the messages sent
     * @throws EnqueueException when entries still failed after every retry (the count sent so far is in it)
     */
    public long enqueue(String queueUrl, Iterable<SyncRequest> requests, LongConsumer progress) {
        AtomicLong sent = new AtomicLong();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Semaphore inFlight = new Semaphore(concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, "sliceflow-enqueue");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<String> batch = new ArrayList<>(BATCH);
            for (SyncRequest request : requests) {
                batch.add(SyncRequestCodec.toJson(request));
                if (batch.size() == BATCH) {
                    submit(pool, inFlight, queueUrl, batch, sent, failure, progress);
                    batch = new ArrayList<>(BATCH);
                }
                if (failure.get() != null) {
                    break;
                }
            }
            if (!batch.isEmpty() && failure.get() == null) {
                submit(pool, inFlight, queueUrl, batch, sent, failure, progress);
            }
            inFlight.acquireUninterruptibly(concurrency);
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure.get() != null) {
            throw new EnqueueException(sent.get(), failure.get());
        }
        return sent.get();
    }

    private void submit(ExecutorService pool, Semaphore inFlight, String queueUrl, List<String> bodies, AtomicLong sent,
                        AtomicReference<RuntimeException> failure, LongConsumer progress) {
        inFlight.acquireUninterruptibly();
        pool.execute(() -> {
            try {
                sendAll(queueUrl, bodies);
                progress.accept(sent.addAndGet(bodies.size()));
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            } finally {
                inFlight.release();
            }
        });
    }

    /** Sends one batch until every entry is accepted, retrying only the failed entries. */
    private void sendAll(String queueUrl, List<String> bodies) {
        List<SendMessageBatchRequestEntry> pending = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            pending.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i)).messageBody(bodies.get(i)).build());
        }
        for (int attempt = 1; ; attempt++) {
            List<SendMessageBatchRequestEntry> entries = pending;
            try {
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
                if (response.failed().isEmpty()) {
                    return;
                }
                List<SendMessageBatchRequestEntry> retry = new ArrayList<>();
                for (BatchResultErrorEntry error : response.failed()) {
                    if (error.senderFault() || attempt >= MAX_TRIES) {
                        throw new IllegalStateException("SQS refused a sync request (" + error.code() + ": "
                                + error.message() + ") after " + attempt + " tries");
                    }
                    entries.stream().filter(e -> e.id().equals(error.id())).forEach(retry::add);
                }
                pending = retry;
            } catch (SdkException e) {
                if (attempt >= MAX_TRIES) {
                    throw e;
                }
            }
            backoff(attempt);
        }
    }

    private static void backoff(int attempt) {
        try {
            Thread.sleep(Math.min(2_000, 25L << attempt) + (long) (Math.random() * 25));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while enqueueing", e);
        }
    }

    /** Enqueueing stopped: some requests may be sent; running it again is safe (duplicates only cost attempts). */
    public static final class EnqueueException extends RuntimeException {
        private final long sent;

        EnqueueException(long sent, RuntimeException cause) {
            super("enqueue stopped after " + sent + " messages: " + cause.getMessage(), cause);
            this.sent = sent;
        }

        public long sent() {
            return sent;
        }
    }
}

package dev.sliceflow.local.runtime;

import java.time.Duration;

/**
 * How a function is fed from a queue, as Lambda's SQS event source mapping (with ReportBatchItemFailures on) and the
 * function's own settings.
 *
 * @param functionName   names the poller threads, the log lines and the Context
 * @param batchSize      records per invocation at most, 1..10,000 (Lambda's BatchSize; above 10 it needs a window)
 * @param batchWindow    how long to gather records after the first one before invoking with fewer than batchSize
 *                       (Lambda's MaximumBatchingWindowInSeconds, 0..300 s); 0 invokes with what one ReceiveMessage
 *                       returned
 * @param maxConcurrency concurrent invocations at most (Lambda's ScalingConfig MaximumConcurrency)
 * @param timeout        the function timeout: Context.getRemainingTimeInMillis() counts down from it, and an
 *                       invocation still running then is abandoned and interrupted, as Lambda kills it (its whole
 *                       batch fails, nothing of it is deleted)
 * @param memoryMb       what Context.getMemoryLimitInMB() reports
 * @param pollWait       the long-poll wait of each ReceiveMessage (1..20 s); also bounds how long stop takes
 * @param shutdownGrace  how long stop waits for in-flight invocations before abandoning them (their messages
 *                       come back after the visibility timeout, as when a Lambda instance dies)
 */
public record EventSourceMapping(String functionName, int batchSize, Duration batchWindow, int maxConcurrency,
                                 Duration timeout, int memoryMb, Duration pollWait, Duration shutdownGrace) {
    /** Lambda's cap on an invocation's payload: a batch stops growing before its bodies pass it. */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    public EventSourceMapping {
        if (functionName == null || functionName.isBlank()) {
            throw new IllegalArgumentException("functionName is required");
        }
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batchSize must be 1..10000, not " + batchSize);
        }
        if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(300)) > 0) {
            throw new IllegalArgumentException("batchWindow must be 0..300 s, not " + batchWindow);
        }
        if (batchSize > 10 && batchWindow.isZero()) {
            throw new IllegalArgumentException("a batchSize above 10 (" + batchSize + ") needs a batchWindow of at"
                    + " least 1 s, as Lambda requires");
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1, not " + maxConcurrency);
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
            throw new IllegalArgumentException("timeout must be in (0, 15 min], not " + timeout);
        }
        long wait = pollWait.toSeconds();
        if (wait < 1 || wait > 20) {
            throw new IllegalArgumentException("pollWait must be 1..20 s, not " + pollWait);
        }
    }

    /** A mapping without a batching window, with 1 GiB, 1 s long polls and a 30 s shutdown grace. */
    public static EventSourceMapping of(String functionName, int batchSize, int maxConcurrency, Duration timeout) {
        return new EventSourceMapping(functionName, batchSize, Duration.ZERO, maxConcurrency, timeout, 1024,
                Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    public EventSourceMapping withTimeout(Duration functionTimeout) {
        return new EventSourceMapping(functionName, batchSize, batchWindow, maxConcurrency, functionTimeout, memoryMb,
                pollWait, shutdownGrace);
    }

    public EventSourceMapping withMaxConcurrency(int concurrency) {
        return new EventSourceMapping(functionName, batchSize, batchWindow, concurrency, timeout, memoryMb, pollWait,
                shutdownGrace);
    }

    public EventSourceMapping withShutdownGrace(Duration grace) {
        return new EventSourceMapping(functionName, batchSize, batchWindow, maxConcurrency, timeout, memoryMb,
                pollWait, grace);
    }

    /** Batches of up to {@code size} records gathered for up to {@code window}. */
    public EventSourceMapping withBatching(int size, Duration window) {
        return new EventSourceMapping(functionName, size, window, maxConcurrency, timeout, memoryMb, pollWait,
                shutdownGrace);
    }
}

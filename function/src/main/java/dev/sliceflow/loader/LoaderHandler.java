package dev.sliceflow.loader;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.metrics.Metrics;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loader Lambda: SQS load queue messages carrying S3 notifications of manifests, a batch of them per invocation
 * (the event source mapping's batch size and window), loaded together; a message that should be retried becomes a
 * batch item failure (the event source mapping must report them).
 */
public final class LoaderHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoaderHandler.class);

    private final ManifestLoader loader;
    private final Metrics metrics;

    /** For the Lambda runtime: reads the environment, once per container; metrics in EMF on stdout. */
    public LoaderHandler() {
        this(CompositionRoot.loader(Settings.fromEnvironment()), Metrics.to(System.out));
    }

    /** For local mode, which runs this very handler with its own settings. */
    public LoaderHandler(Settings settings) {
        this(CompositionRoot.loader(settings), Metrics.none());
    }

    LoaderHandler(ManifestLoader loader) {
        this(loader, Metrics.none());
    }

    LoaderHandler(ManifestLoader loader, Metrics metrics) {
        this.loader = loader;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        if (event == null || event.getRecords() == null) {
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }
        List<ManifestLoader.Message> messages = new ArrayList<>();
        for (SQSEvent.SQSMessage message : event.getRecords()) {
            messages.add(new ManifestLoader.Message(message.getMessageId(), message.getBody(),
                    receiveCount(message), message.getEventSourceArn()));
        }
        Map<String, String> retry;
        long started = System.nanoTime();
        try {
            ManifestLoader.BatchOutcome outcome = loader.handleBatch(messages,
                    context == null ? null : java.time.Duration.ofMillis(context.getRemainingTimeInMillis()));
            retry = outcome.retry();
            metrics.loaded(context == null ? null : context.getFunctionName(), outcome.loaded(), outcome.rows(),
                    java.time.Duration.ofNanos(System.nanoTime() - started), outcome.rejected(), outcome.stale());
        } catch (RuntimeException e) {
            // nothing of the batch is known to be done: every message is retried
            LOG.warn("batch of {} messages will be retried: {}", messages.size(), e.getMessage());
            retry = new java.util.LinkedHashMap<>();
            for (ManifestLoader.Message message : messages) {
                retry.put(message.id(), String.valueOf(e.getMessage()));
            }
        }
        retry.forEach((id, reason) -> {
            LOG.warn("message {} will be retried: {}", id, reason);
            failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build());
        });
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static int receiveCount(SQSEvent.SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** Lambda never calls this (the container is frozen, then dropped); local mode does, so DuckDB checkpoints. */
    @Override
    public void close() {
        loader.close();
    }
}

package dev.sliceflow.loader;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.metrics.Metrics;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.sqs.SqsBatch;

/**
 * The loader Lambda: SQS load queue messages carrying S3 notifications of manifests, a batch of them per invocation
 * (the event source mapping's batch size and window), loaded together; a message that should be retried becomes a
 * batch item failure (the event source mapping must report them).
 */
public final class LoaderHandler implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
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
        SqsBatch batch = SqsBatch.of(event);
        if (batch.messages().isEmpty()) {
            return batch.response();
        }
        long started = System.nanoTime();
        try {
            ManifestLoader.BatchOutcome outcome = loader.handleBatch(batch.messages(),
                    context == null ? null : java.time.Duration.ofMillis(context.getRemainingTimeInMillis()));
            outcome.retry().forEach(batch::retry);
            metrics.loaded(context == null ? null : context.getFunctionName(), outcome.loaded(), outcome.rows(),
                    java.time.Duration.ofNanos(System.nanoTime() - started), outcome.rejected(), outcome.stale());
        } catch (RuntimeException e) {
            batch.retryAll(String.valueOf(e.getMessage()));
        }
        return batch.response();
    }

    /** Lambda never calls this (the container is frozen, then dropped); local mode does, so DuckDB checkpoints. */
    @Override
    public void close() {
        loader.close();
    }
}

package dev.sliceflow.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.metrics.Metrics;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;

/**
 * The worker Lambda: SQS sync queue -> one slice per record. The event source mapping must enable
 * ReportBatchItemFailures, or Lambda ignores the failures this returns.
 */
public final class WorkerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final SyncWorker worker;

    /**
     * For the Lambda runtime: reads the environment once per container; metrics go to stdout in Embedded Metric
     * Format, which Lambda sends to CloudWatch (local mode, through the constructor below, writes none).
     */
    public WorkerHandler() {
        this(CompositionRoot.worker(Settings.fromEnvironment()).withMetrics(Metrics.to(System.out)));
    }

    /** For local mode: the same wiring from a settings map. */
    public WorkerHandler(Settings settings) {
        this(CompositionRoot.worker(settings));
    }

    WorkerHandler(SyncWorker worker) {
        this.worker = worker;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return worker.handle(event, context);
    }
}

package dev.sliceflow.planner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sliceflow.metrics.Metrics;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import java.util.Map;

/**
 * The scheduled planner: an EventBridge schedule invokes it with {@code {"specKey": "specs/nightly.yaml"}} (a sync
 * spec in the staging bucket); it plans a sync at the event's scheduled time and enqueues its slices. Optional {@code "syncId"}
 * pins the id (re-invoking with the same id then sends nothing).
 */
public final class PlannerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ScheduledPlanner planner;
    private final Metrics metrics;

    /** For the Lambda runtime: metrics go to stdout in Embedded Metric Format, which Lambda sends to CloudWatch. */
    public PlannerHandler() {
        this(CompositionRoot.planner(Settings.fromEnvironment()), Metrics.to(System.out));
    }

    public PlannerHandler(Settings settings) {
        this(CompositionRoot.planner(settings), Metrics.none());
    }

    PlannerHandler(ScheduledPlanner planner, Metrics metrics) {
        this.planner = planner;
        this.metrics = metrics;
    }

    PlannerHandler(ScheduledPlanner planner) {
        this(planner, Metrics.none());
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> result = planner.run(input);
        if (result.get("sent") instanceof Number sent) {
            metrics.slicesEnqueued(context == null ? null : context.getFunctionName(),
                    String.valueOf(result.get("syncId")), sent.longValue());
        }
        return result;
    }
}

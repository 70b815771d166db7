package dev.sliceflow.planner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
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

    public PlannerHandler() {
        this(Settings.fromEnvironment());
    }

    public PlannerHandler(Settings settings) {
        this(CompositionRoot.planner(settings));
    }

    PlannerHandler(ScheduledPlanner planner) {
        this.planner = planner;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return planner.run(input);
    }
}

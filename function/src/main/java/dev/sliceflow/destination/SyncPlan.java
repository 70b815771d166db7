package dev.sliceflow.destination;

import java.time.Instant;

/**
 * What a sync expects, as the warehouse records it in {@code _sliceflow_plans} (from the planner's plan.json), so the
 * {@code _sliceflow_sync_status} view can say whether the sync is complete.
 */
public record SyncPlan(String syncId, Instant syncTime, String source, long slices, int accounts, int regions,
                       String tables) {
}

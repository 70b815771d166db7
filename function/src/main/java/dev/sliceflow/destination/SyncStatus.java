package dev.sliceflow.destination;

import java.time.Instant;

/**
 * One row of the {@code _sliceflow_sync_status} view: a sync's fan-in as the warehouse sees it.
 *
 * @param slicesExpected from the plan; -1 when the sync was not planned (requests sent by hand)
 * @param slicesLoaded   slices whose every manifest (up to the last one) is loaded
 * @param tablesFailed   (table, slice) pairs the worker failed: their previous rows stay
 * @param complete       every expected slice is loaded
 */
public record SyncStatus(String syncId, Instant syncTime, long slicesExpected, long slicesLoaded, long manifests,
                         long tablesLoaded, long tablesFailed, long tablesStale, long rowsLoaded,
                         Instant firstLoadedAt, Instant lastLoadedAt, boolean complete) {
}

package dev.sliceflow.destination;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What a destination records beside the rows: the ledger, plans, sync status, rejects, removed-slice cleanup. */
public interface Bookkeeping {

    /**
     * Records a manifest that can never be loaded in {@code _sliceflow_rejects}, in its own commit. A later successful
     * load of the same key is not prevented.
     */
    void recordRejected(String manifestKey, String manifestSha256, String reason);

    /** The ledger rows of one sync, ordered by manifest key and table. */
    List<LedgerEntry> ledger(String syncId);

    /** Records what a sync expects (once; later calls for the same sync id change nothing). */
    void recordPlan(SyncPlan plan);

    /** The {@code _sliceflow_sync_status} rows: every sync, or the one named, newest first. */
    List<SyncStatus> syncStatus(Optional<String> syncId);

    /**
     * Deletes the rows of slices that a complete {@code replace} sync no longer covers: for each table the sync's plan
     * selected, every (account, region) of the same source that the sync neither loaded nor failed. Does nothing
     * unless the sync is complete, planned and in replace mode. In one commit.
     *
     * @return rows deleted per "table account region"
     */
    Map<String, Long> deleteRemovedSlices(String syncId);

    /** Whether this exact manifest (key and checksum) has been loaded. */
    boolean isLoaded(String manifestKey, String manifestSha256);

    /**
     * For the reconciler: of {@code syncIds}, those it need not look at, because the sync is complete (every slice its
     * plan expects is loaded) or its sync time lies before {@code syncTimeBefore} (outside the look-back). A sync this
     * destination has never heard of (no plan recorded, nothing loaded) is never in the result. One call per page of
     * at most 1,000 ids; reads only.
     */
    Set<String> settledSyncs(Collection<String> syncIds, Instant syncTimeBefore);

    /**
     * For the reconciler: the keys of the manifests of {@code syncId} that need no load event any more, because this
     * destination has dealt with them or knows of them: claimed in the ledger whatever each table's status (loaded,
     * stale, failed), at any checksum; recorded rejected; or recorded failing ({@link #recordLoadErrors}: its message
     * is with SQS, retried or in the load DLQ, and sending another would only add a copy). Keys only: a key loaded at
     * one checksum counts as settled even if another attempt rewrote it since (the same sync's slice). One call per
     * sync; reads only.
     */
    Set<String> settledManifests(String syncId);

    /**
     * Records that these manifests failed transiently and will be retried (the last error per manifest key replaces
     * the one before, and counts the attempt), in one short commit of its own, apart from any load. Best effort for
     * the caller: a failure here (the destination may be what is down) must never change a load's outcome. The errors
     * must hold no secret.
     */
    void recordLoadErrors(List<FailedLoad> failures);

    /**
     * The manifests whose last load failed transiently and that have not loaded (nor been rejected) since, latest
     * failure first, at most {@code limit}: the {@code _sliceflow_failing_loads} view in the SQL warehouses.
     */
    List<LoadError> failingLoads(int limit);
}

package dev.sliceflow.destination;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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
}

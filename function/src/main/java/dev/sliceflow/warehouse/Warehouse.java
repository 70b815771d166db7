package dev.sliceflow.warehouse;

import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.destination.SyncPlan;
import dev.sliceflow.destination.LedgerEntry;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.manifest.Manifest;
import java.util.List;
import java.util.Map;

/**
 * Where manifests are loaded. One {@link #load} is one warehouse transaction: either everything the manifest lists is
 * visible afterwards (tables created or extended, rows replaced or appended, ledger rows written) or nothing is.
 * Implementations are thread-safe; the semantics are pinned by {@code WarehouseContract} and docs/loading.md.
 */
public interface Warehouse extends AutoCloseable {

    /**
     * Loads a manifest exactly once in effect: a manifest already in the ledger (same key and checksum) is skipped, and
     * so is one that a concurrent loader commits first.
     *
     * @param manifest       the parsed, validated manifest
     * @param manifestKey    its S3 key (the ledger's identity together with the checksum)
     * @param manifestSha256 lower-case hex SHA-256 of the manifest's bytes
     * @param parts          fetches each listed part's stored bytes
     * @throws TransientLoadException          when a retry may succeed; nothing was committed
     * @throws dev.sliceflow.core.InvalidInputException when it never can (incompatible schema change, a part whose
     *                                         row count disagrees with the manifest); nothing was committed
     */
    LoadResult load(Manifest manifest, String manifestKey, String manifestSha256, PartOpener parts);

    /**
     * Records a manifest that can never be loaded (it does not parse, breaks a rule, or changes a column's type) in
     * {@code _sliceflow_rejects}, in its own transaction. A later successful load of the same key is not prevented.
     */
    void recordRejected(String manifestKey, String manifestSha256, String reason);

    /** The ledger rows of one sync, ordered by manifest key and table. */
    List<LedgerEntry> ledger(String syncId);

    /** Records what a sync expects (once; later calls for the same sync id change nothing). */
    void recordPlan(SyncPlan plan);

    /** The {@code _sliceflow_sync_status} rows: every sync, or the one named, newest first. */
    List<SyncStatus> syncStatus(java.util.Optional<String> syncId);

    /**
     * Deletes the rows of slices that a complete {@code replace} sync no longer covers (an account that left the
     * organization, a region dropped from the spec): for each table the sync's plan selected, every (account, region)
     * of the same source that the sync neither loaded nor failed. Does nothing unless the sync is complete, planned and
     * in replace mode. In one transaction.
     *
     * @return rows deleted per "table account region"
     */
    Map<String, Long> deleteRemovedSlices(String syncId);

    /** Whether this exact manifest (key and checksum) has been loaded. */
    boolean isLoaded(String manifestKey, String manifestSha256);

    @Override
    void close();
}

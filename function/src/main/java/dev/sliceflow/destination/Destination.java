package dev.sliceflow.destination;

import java.util.List;

/**
 * Where batches of manifests land: a SQL warehouse or a lake. The contract (docs/loading.md, pinned by
 * {@code WarehouseContract}): each manifest's effect is all or nothing; a manifest already in the ledger (same key and
 * checksum) is skipped, also when a concurrent loader commits it first; a manifest that fails for a reason of its own
 * fails alone and never keeps its neighbours from loading; two manifests of one slice in one batch behave as if they
 * had come one by one, the newer sync winning. Implementations are thread-safe.
 */
public interface Destination extends AutoCloseable {

    /**
     * Loads a batch in as few commits as the destination allows.
     *
     * @param batch validated manifests; a key may appear more than once (a duplicate event)
     * @param parts fetches each listed part's stored bytes
     * @return one outcome per manifest of {@code batch}, in its order
     */
    List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts);

    /**
     * {@link #load(List, PartOpener)}, committing nothing after {@code deadline}: a load still running then is rolled
     * back and its manifests' outcome is a retry with a {@link LoadTimeoutException}. The default ignores the deadline
     * (a destination that cannot stop a commit in time).
     */
    default List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts, LoadDeadline deadline) {
        return load(batch, parts);
    }

    @Override
    void close();
}

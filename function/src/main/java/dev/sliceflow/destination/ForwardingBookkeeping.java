package dev.sliceflow.destination;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Bookkeeping that another one keeps: for a destination (or a test's wrapper of one) that composes its ledger. */
public interface ForwardingBookkeeping extends Bookkeeping {
    /** Where the bookkeeping is kept. */
    Bookkeeping bookkeeping();

    @Override
    default void recordRejected(String manifestKey, String manifestSha256, String reason) {
        bookkeeping().recordRejected(manifestKey, manifestSha256, reason);
    }

    @Override
    default List<LedgerEntry> ledger(String syncId) {
        return bookkeeping().ledger(syncId);
    }

    @Override
    default void recordPlan(SyncPlan plan) {
        bookkeeping().recordPlan(plan);
    }

    @Override
    default List<SyncStatus> syncStatus(Optional<String> syncId) {
        return bookkeeping().syncStatus(syncId);
    }

    @Override
    default Map<String, Long> deleteRemovedSlices(String syncId) {
        return bookkeeping().deleteRemovedSlices(syncId);
    }

    @Override
    default boolean isLoaded(String manifestKey, String manifestSha256) {
        return bookkeeping().isLoaded(manifestKey, manifestSha256);
    }

    @Override
    default Set<String> settledSyncs(Collection<String> syncIds, Instant syncTimeBefore) {
        return bookkeeping().settledSyncs(syncIds, syncTimeBefore);
    }

    @Override
    default Set<String> settledManifests(String syncId) {
        return bookkeeping().settledManifests(syncId);
    }

    @Override
    default void recordLoadErrors(List<FailedLoad> failures) {
        bookkeeping().recordLoadErrors(failures);
    }

    @Override
    default List<LoadError> failingLoads(int limit) {
        return bookkeeping().failingLoads(limit);
    }
}

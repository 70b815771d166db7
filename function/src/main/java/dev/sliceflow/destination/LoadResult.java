package dev.sliceflow.destination;

import java.util.List;

/**
 * What loading one manifest did.
 *
 * @param manifestKey the manifest
 * @param skipped     true when the ledger already held this manifest (same key and checksum): nothing was done
 * @param tables      per table, what this load did (empty when skipped)
 */
public record LoadResult(String manifestKey, boolean skipped, List<TableLoad> tables) {
    public LoadResult {
        tables = List.copyOf(tables);
    }

    public static LoadResult skipped(String manifestKey) {
        return new LoadResult(manifestKey, true, List.of());
    }

    public long rowsLoaded() {
        return tables.stream().filter(t -> t.status() == LoadStatus.LOADED).mapToLong(TableLoad::rows).sum();
    }

    /**
     * @param table  the table
     * @param status loaded, stale or failed
     * @param rows   rows inserted (0 unless loaded)
     * @param error  the worker's error for a failed table, else null
     */
    public record TableLoad(String table, LoadStatus status, long rows, String error) {
    }
}

package dev.sliceflow.destination;

import java.time.Instant;

/**
 * One row of the ledger {@code _sliceflow_loads}: one table of one loaded manifest (docs/loading.md).
 */
public record LedgerEntry(String manifestKey, String manifestSha256, String syncId, Instant syncTime, String source,
                          String account, String region, int seq, String table, long rows, LoadStatus status,
                          String error, Instant loadedAt) {
}

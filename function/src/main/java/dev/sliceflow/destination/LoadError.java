package dev.sliceflow.destination;

import java.time.Instant;

/**
 * The last transient failure of a manifest not loaded since: one row of {@code _sliceflow_failing_loads}.
 *
 * @param attempts failed attempts recorded for this key
 */
public record LoadError(String manifestKey, String manifestSha256, String error, long attempts,
                        Instant firstFailedAt, Instant lastFailedAt) {
}

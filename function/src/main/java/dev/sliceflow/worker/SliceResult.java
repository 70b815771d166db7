package dev.sliceflow.worker;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.request.SyncRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What one attempt of a slice committed.
 *
 * @param manifestKey  where the manifest was written
 * @param manifest     its content
 * @param continuation the request for the tables left for the next invocation, if the deadline came first
 * @param tableTimes   how long each table of the manifest took to sync, by table name (for the metrics)
 */
public record SliceResult(String manifestKey, Manifest manifest, Optional<SyncRequest> continuation,
                          Map<String, Duration> tableTimes) {
    public SliceResult(String manifestKey, Manifest manifest, Optional<SyncRequest> continuation) {
        this(manifestKey, manifest, continuation, Map.of());
    }

    public SliceResult {
        tableTimes = Map.copyOf(tableTimes);
    }
}

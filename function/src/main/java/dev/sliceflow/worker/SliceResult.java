package dev.sliceflow.worker;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.request.SyncRequest;
import java.util.Optional;

/**
 * What one attempt of a slice committed.
 *
 * @param manifestKey  where the manifest was written
 * @param manifest     its content
 * @param continuation the request for the tables left for the next invocation, if the deadline came first
 */
public record SliceResult(String manifestKey, Manifest manifest, Optional<SyncRequest> continuation) {
}

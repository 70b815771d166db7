package dev.sliceflow.warehouse;

import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.destination.Destination;
import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.manifest.Manifest;
import java.util.List;

/** A destination with its bookkeeping: what the loader is given. */
public interface Warehouse extends Destination, Bookkeeping {

    /**
     * Loads one manifest: a batch of one.
     *
     * @throws dev.sliceflow.destination.TransientLoadException when a retry may succeed; nothing was committed
     * @throws dev.sliceflow.core.InvalidInputException          when it never can; nothing was committed
     */
    default LoadResult load(Manifest manifest, String manifestKey, String manifestSha256, PartOpener parts) {
        ManifestOutcome outcome = load(List.of(new StagedManifest(manifestKey, manifestSha256, manifest)), parts).get(0);
        return switch (outcome) {
            case ManifestOutcome.Loaded loaded -> loaded.result();
            case ManifestOutcome.Rejected rejected -> throw rejected.error();
            case ManifestOutcome.Retry retry -> throw retry.error();
        };
    }
}

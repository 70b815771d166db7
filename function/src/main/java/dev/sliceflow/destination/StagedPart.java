package dev.sliceflow.destination;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;

/**
 * One part of one manifest of a batch: what a bulk load streams, with the manifest it belongs to (its metadata column
 * values, its dialect, and who to blame when the part is not what the manifest says).
 */
public record StagedPart(String manifestKey, Manifest manifest, ManifestPart part) {
}

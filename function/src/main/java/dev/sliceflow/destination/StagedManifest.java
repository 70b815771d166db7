package dev.sliceflow.destination;

import dev.sliceflow.manifest.Manifest;

/**
 * A manifest as a destination receives it: parsed and validated once ({@code ManifestCodec.parse}), with the identity
 * the ledger keeps.
 *
 * @param key      its S3 key
 * @param sha256   lower-case hex SHA-256 of its bytes
 * @param manifest the parsed, validated manifest
 */
public record StagedManifest(String key, String sha256, Manifest manifest) {
}

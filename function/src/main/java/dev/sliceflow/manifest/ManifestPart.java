package dev.sliceflow.manifest;

/**
 * One uploaded CSV part.
 *
 * @param key    the S3 object key
 * @param rows   data rows in the part (the header row not counted)
 * @param bytes  the object's size in bytes, as stored (compressed when the dialect says gzip)
 * @param sha256 lower-case hex SHA-256 of the object's bytes as stored
 */
public record ManifestPart(String key, long rows, long bytes, String sha256) {
}

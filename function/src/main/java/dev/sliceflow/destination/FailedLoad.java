package dev.sliceflow.destination;

/**
 * A manifest whose load failed transiently and is retried: what {@link Bookkeeping#recordLoadErrors} keeps.
 *
 * @param manifestSha256 null when the manifest's bytes were never read
 * @param error          why, without secrets (the loader's retry reason)
 */
public record FailedLoad(String manifestKey, String manifestSha256, String error) {
}

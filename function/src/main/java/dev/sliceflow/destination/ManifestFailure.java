package dev.sliceflow.destination;

import java.io.IOException;

/**
 * A failure that belongs to one manifest of a batch: a part that is not what the manifest lists (missing, another size
 * or checksum, another header or row count, corrupt gzip), raised from inside a bulk load's stream, or a column whose
 * type the manifest changes. It names the manifest, so a batch can fail that manifest alone and load the rest. The
 * cause is the {@link TransientLoadException} or {@link dev.sliceflow.core.InvalidInputException} to report. An
 * IOException so that it passes through the streams a JDBC driver reads.
 */
public final class ManifestFailure extends IOException {
    private final String manifestKey;

    public ManifestFailure(String manifestKey, RuntimeException cause) {
        super(cause.getMessage(), cause);
        this.manifestKey = manifestKey;
    }

    public String manifestKey() {
        return manifestKey;
    }

    /** The failure to report: transient or permanent. */
    public RuntimeException failure() {
        return (RuntimeException) getCause();
    }

    /** The ManifestFailure in {@code e}'s cause chain, or null: drivers wrap what a stream throws. */
    public static ManifestFailure in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ManifestFailure failure) {
                return failure;
            }
            for (Throwable suppressed : t.getSuppressed()) {
                if (suppressed instanceof ManifestFailure failure) {
                    return failure;
                }
            }
        }
        return null;
    }
}

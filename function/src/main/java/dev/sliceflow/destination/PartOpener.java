package dev.sliceflow.destination;

import dev.sliceflow.manifest.ManifestPart;
import java.io.IOException;
import java.io.InputStream;

/**
 * Opens a part's bytes exactly as stored (still gzip-compressed when the dialect says so). The warehouse verifies
 * size and SHA-256 against the manifest and decompresses; the opener only fetches (S3 GetObject in Lambda).
 */
@FunctionalInterface
public interface PartOpener {
    InputStream open(ManifestPart part) throws IOException;
}

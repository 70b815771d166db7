package dev.sliceflow.staging;

import java.io.UncheckedIOException;
import java.io.IOException;

/**
 * Writing or uploading a part failed: an infrastructure fault, not the source's. The whole attempt fails without
 * a manifest (nothing becomes visible) and SQS redelivers it.
 */
public class StagingException extends UncheckedIOException {
    public StagingException(String message, IOException cause) {
        super(message, cause);
    }

    public StagingException(String message, Throwable cause) {
        super(message, cause instanceof IOException io ? io : new IOException(cause));
    }
}

package dev.sliceflow.destination;

/**
 * A load that failed for a reason that may pass (a part not yet visible or not matching its checksum, a broken
 * connection, a lock conflict): nothing was committed, and the message is retried.
 */
public class TransientLoadException extends RuntimeException {
    public TransientLoadException(String message) {
        super(message);
    }

    public TransientLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.sliceflow.destination;

/**
 * A load that reached its {@link LoadDeadline} before it could commit: it was rolled back, nothing of it is visible, and
 * its manifests are retried (or, after their last receive, rejected with the reason).
 */
public final class LoadTimeoutException extends TransientLoadException {
    public LoadTimeoutException(String message) {
        super(message);
    }
}

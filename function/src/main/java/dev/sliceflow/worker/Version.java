package dev.sliceflow.worker;

/** The producer version written into manifests. */
final class Version {
    static final String VALUE = "0.1.0";

    private Version() {
    }
}

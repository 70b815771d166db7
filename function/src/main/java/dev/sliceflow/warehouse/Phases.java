package dev.sliceflow.warehouse;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a load's time went, phase by phase, for its log line: "12 ms (claim 1, lock 2, ..., commit 5)". A phase
 * lapped more than once (one per table) adds up. Restarted when the transaction's work starts, so that waiting for
 * the writer lock is not counted.
 */
final class Phases {
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private long started = System.nanoTime();
    private long last = started;
    private String summary = "load";

    void restart() {
        nanos.clear();
        started = System.nanoTime();
        last = started;
    }

    /** Ends the phase running since the last lap. */
    void lap(String phase) {
        long now = System.nanoTime();
        nanos.merge(phase, now - last, Long::sum);
        last = now;
    }

    /** What the load did, to open its log line. */
    void summarise(String summary) {
        this.summary = summary;
    }

    String summary() {
        return summary;
    }

    @Override
    public String toString() {
        StringBuilder line = new StringBuilder().append(millis(last - started)).append(" ms (");
        String separator = "";
        for (Map.Entry<String, Long> phase : nanos.entrySet()) {
            line.append(separator).append(phase.getKey()).append(' ').append(millis(phase.getValue()));
            separator = ", ";
        }
        return line.append(')').toString();
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }
}

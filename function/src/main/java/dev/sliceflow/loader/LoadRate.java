package dev.sliceflow.loader;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestTable;
import java.util.OptionalLong;

/**
 * How fast this container loads, as measured by the sub-batches it committed: in weight (a manifest's part bytes plus
 * a fixed cost per manifest) per second. It sizes the next sub-batch to the time left and tells when the time left
 * cannot cover the next manifest. Before the first measurement nothing is known, and a sub-batch is capped at
 * {@link #FIRST_WEIGHT}. A sub-batch that ran out of time lowers the rate to half of what it would have needed.
 */
final class LoadRate {
    /** What a manifest costs beyond its bytes (a claim, ledger rows, state rows, a GET): about 256 KiB of COPY. */
    static final long MANIFEST_WEIGHT = 256L << 10;
    /** The first sub-batch of a container, before anything is measured: a few seconds of COPY. */
    static final long FIRST_WEIGHT = 64L << 20;

    private long weight;
    private long nanos;
    /** An upper bound on the rate, in weight per second, from a sub-batch that ran out of time; 0: none. */
    private double ceiling;

    static long weight(Manifest manifest) {
        long bytes = 0;
        for (ManifestTable table : manifest.tables()) {
            bytes += table.parts().stream().mapToLong(p -> p.bytes()).sum();
        }
        return bytes + MANIFEST_WEIGHT;
    }

    /** A sub-batch of {@code loadedWeight} committed in {@code elapsedNanos}. */
    synchronized void measured(long loadedWeight, long elapsedNanos) {
        if (loadedWeight > 0 && elapsedNanos > 0) {
            weight += loadedWeight;
            nanos += elapsedNanos;
        }
    }

    /** A sub-batch of {@code triedWeight} that did not finish within {@code elapsedNanos}. */
    synchronized void timedOut(long triedWeight, long elapsedNanos) {
        if (elapsedNanos > 0) {
            double bound = triedWeight * 1e9 / elapsedNanos / 2;
            ceiling = ceiling == 0 ? bound : Math.min(ceiling, bound);
        }
    }

    /** Weight per second, if anything was measured. */
    synchronized double perSecond() {
        double measured = nanos == 0 ? 0 : weight * 1e9 / nanos;
        if (ceiling > 0) {
            return measured == 0 ? ceiling : Math.min(measured, ceiling);
        }
        return measured;
    }

    /** How long {@code weight} would take, if a rate is known. */
    OptionalLong estimateNanos(long loadWeight) {
        double rate = perSecond();
        return rate == 0 ? OptionalLong.empty() : OptionalLong.of((long) (loadWeight / rate * 1e9));
    }

    /** The weight a sub-batch may have with {@code remainingNanos} left: what half of them covers. */
    long budget(long remainingNanos) {
        double rate = perSecond();
        if (rate == 0) {
            return FIRST_WEIGHT;
        }
        return (long) Math.min(Long.MAX_VALUE / 2.0, rate * remainingNanos / 2e9);
    }
}

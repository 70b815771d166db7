package dev.sliceflow.destination;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * When a load must have committed, or never commit: the loader's invocation ends (less a margin) at this instant of
 * {@link System#nanoTime()}. A destination checks it before it starts a transaction, while parts stream, and right
 * before COMMIT; past it, it rolls back and reports {@link LoadTimeoutException}.
 *
 * @param bounded false for a load without a deadline (tests, the CLI)
 * @param atNanos the {@link System#nanoTime()} value of the deadline when bounded
 */
public record LoadDeadline(boolean bounded, long atNanos) {
    private static final LoadDeadline NONE = new LoadDeadline(false, 0);

    public static LoadDeadline none() {
        return NONE;
    }

    /** {@code time} from now. */
    public static LoadDeadline in(Duration time) {
        return new LoadDeadline(true, System.nanoTime() + time.toNanos());
    }

    public boolean passed() {
        return bounded && System.nanoTime() - atNanos >= 0;
    }

    /** Nanoseconds left (0 once passed), {@link Long#MAX_VALUE} when unbounded. */
    public long remainingNanos() {
        return bounded ? Math.max(0, atNanos - System.nanoTime()) : Long.MAX_VALUE;
    }

    /**
     * {@code opener}, giving up once the deadline has passed: opening a part, or reading a chunk of one, then fails
     * with an IOException (the bulk load stops, and the transaction rolls back).
     */
    public PartOpener guard(PartOpener opener) {
        if (!bounded) {
            return opener;
        }
        return part -> {
            check(part.key());
            return new FilterInputStream(opener.open(part)) {
                @Override
                public int read() throws IOException {
                    check(part.key());
                    return super.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    check(part.key());
                    return super.read(b, off, len);
                }
            };
        };
    }

    private void check(String partKey) throws IOException {
        if (passed()) {
            throw new IOException("the loader's deadline passed while reading part " + partKey,
                    new LoadTimeoutException("the loader's deadline passed"));
        }
    }
}

package dev.sliceflow.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting in tests: for a condition polled until a deadline, or for a plain delay. */
public final class Await {
    private static final Duration POLL = Duration.ofMillis(100);

    private Await() {
    }

    /** Polls {@code condition} until it holds; an AssertionError naming {@code what} once {@code timeout} passed. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        if (!within(timeout, condition)) {
            throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what);
        }
    }

    /**
     * Polls {@code condition} until it holds or {@code timeout} passed, and says whether it held: for a test that
     * asserts afterwards what it waited for, with its own message.
     */
    public static boolean within(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(POLL.toMillis());
        }
        return true;
    }

    /**
     * Sleeps; interrupted, it keeps the interrupt flag set and returns early (a slow fake's delay, cut short when the
     * code under test gives up on it).
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

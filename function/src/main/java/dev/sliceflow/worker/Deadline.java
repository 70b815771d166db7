package dev.sliceflow.worker;

import com.amazonaws.services.lambda.runtime.Context;
import java.time.Duration;

/** When a worker must stop starting work, commit what is done and continue in a new invocation. */
@FunctionalInterface
public interface Deadline {
    boolean reached();

    static Deadline none() {
        return () -> false;
    }

    /** {@code margin} before the invocation's timeout, as Lambda's Context reports it now. */
    static Deadline of(Context context, Duration margin) {
        if (context == null) {
            return none();
        }
        long end = System.nanoTime() + Duration.ofMillis(context.getRemainingTimeInMillis()).minus(margin).toNanos();
        return () -> System.nanoTime() - end >= 0;
    }
}

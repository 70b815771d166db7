package dev.sliceflow.local.cli;

import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.LocalRuntime;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How the loader is fed, as the stack's load event source mapping: the options serve and demo share. */
final class LoadBatchingOptions {
    @Option(names = "--load-batch-size", paramLabel = "N", description = "Manifests per loader invocation at most,"
            + " 1..10000 (default: " + LocalRuntime.LOAD_BATCH_SIZE + ").")
    Integer size;

    @Option(names = "--load-batch-window", defaultValue = "2", paramLabel = "SECONDS",
            description = "How long the loader gathers manifests before loading a smaller batch, 0..300 "
                    + "(default: ${DEFAULT-VALUE}; 0 needs --load-batch-size 10 or less).")
    int window;

    /** {@code mapping} with these batch settings. */
    EventSourceMapping apply(EventSourceMapping mapping) {
        return mapping.withBatching(size != null ? size : LocalRuntime.LOAD_BATCH_SIZE, Duration.ofSeconds(window));
    }
}

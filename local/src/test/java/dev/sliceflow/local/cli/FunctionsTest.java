package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.local.runtime.LocalRuntime;
import org.junit.jupiter.api.Test;

/** What serve attaches: the real handlers, each on its own queue with the stack's mapping. */
class FunctionsTest {
    @Test
    void stack_hasTheWorkerOnTheSyncQueueAndTheLoaderOnTheLoadQueue() {
        QueueRef sync = new QueueRef("sliceflow-sync", "http://sqs/sliceflow-sync", "arn:sync");
        QueueRef load = new QueueRef("sliceflow-load", "http://sqs/sliceflow-load", "arn:load");
        LocalRuntime.Queues queues = new LocalRuntime.Queues(sync, null, load, null);

        assertThat(Functions.STACK).extracting(Functions.Spec::name).containsExactly("worker", "loader");
        assertThat(Functions.STACK).extracting(s -> s.queue().apply(queues)).containsExactly(sync, load);
        assertThat(Functions.STACK).extracting(Functions.Spec::mapping)
                .containsExactly(LocalRuntime.WORKER, LocalRuntime.LOADER);
    }
}

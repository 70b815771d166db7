package dev.sliceflow.local.cli;

import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.HandlerFactory;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.worker.WorkerHandler;
import java.util.List;
import java.util.function.Function;

/** The stack's queue-fed functions as {@code serve} runs them: the same handler classes Lambda runs. */
final class Functions {
    /**
     * One function of the stack.
     *
     * @param name    what the CLI calls it
     * @param handler builds its handler from the settings, as Lambda's init does
     * @param mapping its event source mapping
     * @param queue   the queue that feeds it
     */
    record Spec(String name, HandlerFactory handler, EventSourceMapping mapping,
                Function<LocalRuntime.Queues, QueueRef> queue) {
    }

    static final List<Spec> STACK = List.of(
            new Spec("worker", WorkerHandler::new, LocalRuntime.WORKER, LocalRuntime.Queues::sync),
            new Spec("loader", LoaderHandler::new, LocalRuntime.LOADER, LocalRuntime.Queues::load));

    private Functions() {
    }
}

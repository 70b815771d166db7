package dev.sliceflow.local.e2e;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.local.runtime.HandlerFactory;

/** Wraps a real handler to inject what a test needs around its invocations. */
final class Handlers {
    private Handlers() {
    }

    /** Runs before and after each invocation of the wrapped handler. */
    interface Around {
        default void before(SQSEvent event) {
        }

        default void after(SQSEvent event, SQSBatchResponse response) {
        }
    }

    static HandlerFactory around(HandlerFactory real, Around around) {
        return settings -> new Wrapped(real.create(settings), around);
    }

    static boolean firstReceive(SQSEvent event) {
        return event.getRecords().stream()
                .anyMatch(r -> "1".equals(r.getAttributes().get("ApproximateReceiveCount")));
    }

    /** Closes the wrapped handler when the runtime closes it (the loader checkpoints DuckDB then). */
    private record Wrapped(RequestHandler<SQSEvent, SQSBatchResponse> real, Around around)
            implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            around.before(event);
            SQSBatchResponse response = real.handleRequest(event, context);
            around.after(event, response);
            return response;
        }

        @Override
        public void close() throws Exception {
            if (real instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }
}

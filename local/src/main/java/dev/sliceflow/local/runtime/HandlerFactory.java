package dev.sliceflow.local.runtime;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.runtime.Settings;

/**
 * Builds a handler from the runtime's settings, once, as a Lambda container does: {@code WorkerHandler::new} and
 * {@code LoaderHandler::new} are factories.
 */
@FunctionalInterface
public interface HandlerFactory {
    RequestHandler<SQSEvent, SQSBatchResponse> create(Settings settings);
}

package dev.sliceflow.local.cli;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.HandlerFactory;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.runtime.Settings;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The stack's functions as {@code serve} runs them. The handlers are looked up by class name, so that the CLI builds
 * and serves S3 and SQS before they exist; once both are in the function module this becomes
 * {@code WorkerHandler::new} and {@code LoaderHandler::new}.
 */
final class Functions {
    /**
     * One function of the stack.
     *
     * @param name         what the CLI calls it
     * @param handlerClass its handler: a {@code RequestHandler<SQSEvent, SQSBatchResponse>} with a public
     *                     constructor taking {@link Settings}
     * @param mapping      its event source mapping
     * @param queue        the queue that feeds it
     */
    record Spec(String name, String handlerClass, EventSourceMapping mapping,
                Function<LocalRuntime.Queues, QueueRef> queue) {
    }

    static final List<Spec> STACK = List.of(
            new Spec("worker", "dev.sliceflow.worker.WorkerHandler", LocalRuntime.WORKER, LocalRuntime.Queues::sync),
            new Spec("loader", "dev.sliceflow.loader.LoaderHandler", LocalRuntime.LOADER, LocalRuntime.Queues::load));

    private Functions() {
    }

    /** The factory of a handler class, if that class is on the class path. */
    static Optional<HandlerFactory> factory(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, Functions.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return Optional.empty();
        }
        if (!RequestHandler.class.isAssignableFrom(type)) {
            throw new IllegalStateException(className + " is not a RequestHandler<SQSEvent, SQSBatchResponse>");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor(Settings.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(className + " has no public constructor taking Settings", e);
        }
        return Optional.of(settings -> newHandler(constructor, settings));
    }

    @SuppressWarnings("unchecked")
    private static RequestHandler<SQSEvent, SQSBatchResponse> newHandler(Constructor<?> constructor,
                                                                        Settings settings) {
        try {
            return (RequestHandler<SQSEvent, SQSBatchResponse>) constructor.newInstance(settings);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot build " + constructor.getDeclaringClass().getSimpleName() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + constructor.getDeclaringClass().getName(), e);
        }
    }
}

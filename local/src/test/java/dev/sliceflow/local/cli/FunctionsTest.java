package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.runtime.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How serve finds the handlers: by class name, built through their public constructor taking Settings. */
class FunctionsTest {

    @Test
    void factory_whenClassAbsent_isEmpty() {
        assertThat(Functions.factory("dev.sliceflow.nothing.Here")).isEmpty();
    }

    @Test
    void factory_whenHandlerWithSettingsConstructor_buildsItFromSettings() {
        Settings settings = Settings.from(Map.of("AWS_REGION", "us-east-1", "SLICEFLOW_BUCKET", "b"));

        RequestHandler<SQSEvent, SQSBatchResponse> handler =
                Functions.factory(EchoHandler.class.getName()).orElseThrow().create(settings);

        assertThat(handler).isInstanceOf(EchoHandler.class);
        assertThat(((EchoHandler) handler).settings).isSameAs(settings);
    }

    @Test
    void factory_whenNotAHandler_failsNamingTheClass() {
        assertThatThrownBy(() -> Functions.factory(String.class.getName()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("java.lang.String");
    }

    @Test
    void stack_hasWorkerOnSyncQueueAndLoaderOnLoadQueue() {
        assertThat(Functions.STACK).extracting(Functions.Spec::handlerClass)
                .containsExactly("dev.sliceflow.worker.WorkerHandler", "dev.sliceflow.loader.LoaderHandler");
    }

    /** A handler shaped like the real ones. */
    public static final class EchoHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
        final Settings settings;

        public EchoHandler(Settings settings) {
            this.settings = settings;
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            return new SQSBatchResponse();
        }
    }
}

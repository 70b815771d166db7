package dev.sliceflow.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.LiveThreads;
import dev.sliceflow.testing.TestDirs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The composed runtime: settings for the real handlers, restart on the same directory, one runtime per directory. */
class LocalRuntimeTest {

    @Test
    void start_whenDirectoryExists_findsBucketAndObjectsAgainWithoutTestEvent() throws Exception {
        Path dir = TestDirs.create("runtime-restart");
        try (LocalRuntime first = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            assertThat(first.bucketCreated()).isTrue();
            first.s3().putObject(b -> b.bucket(first.bucket()).key("data/t/part-0.csv"), RequestBody.fromString("a"));
        }

        try (LocalRuntime second = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            assertThat(second.bucketCreated()).isFalse();
            assertThat(second.s3().getObjectAsBytes(b -> b.bucket(second.bucket()).key("data/t/part-0.csv"))
                    .asUtf8String()).isEqualTo("a");
            assertThat(second.sqs().receiveMessage(b -> b.queueUrl(second.queues().load().url()).waitTimeSeconds(1))
                    .messages()).as("no second s3:TestEvent").isEmpty();
        }
    }

    @Test
    void start_withKeptQueues_findsThemAgainWithTodaysVisibilityTimeouts() throws Exception {
        Path dir = TestDirs.create("runtime-queues");
        LocalRuntimeConfig kept = LocalRuntimeConfig.defaults(Optional.of(dir)).withPersistentQueues(true);
        try (LocalRuntime first = LocalRuntime.start(kept)) {
            first.sqs().sendMessage(b -> b.queueUrl(first.queues().sync().url()).messageBody("waiting"));
        }

        try (LocalRuntime second = LocalRuntime.start(kept.withVisibilityTimeouts(Duration.ofSeconds(120),
                Duration.ofSeconds(60)))) {
            assertThat(second.sqs().getQueueAttributes(b -> b.queueUrl(second.queues().sync().url())
                    .attributeNames(software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT))
                    .attributesAsStrings()).containsEntry("VisibilityTimeout", "120");
            assertThat(second.sqs().receiveMessage(b -> b.queueUrl(second.queues().sync().url()).waitTimeSeconds(1))
                    .messages()).extracting(m -> m.body()).containsExactly("waiting");
        }
        assertThat(dir.resolve("sqs/elasticmq.mv.db")).exists();
    }

    @Test
    void start_whenDirectoryInUse_failsNamingTheDirectory() throws Exception {
        Path dir = TestDirs.create("runtime-lock");
        try (LocalRuntime ignored = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            assertThatThrownBy(() -> LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.toString()).hasMessageContaining("in use");
        }
    }

    @Test
    void settings_buildHandlersThatReachTheEmbeddedServices() throws Exception {
        Path dir = TestDirs.create("runtime-settings");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            Settings settings = runtime.settings();
            assertThat(settings.region().id()).isEqualTo("us-east-1");
            assertThat(settings.bucket()).isEqualTo(runtime.bucket());
            assertThat(settings.syncQueueUrl()).contains(runtime.queues().sync().url());
            assertThat(settings.syncDlqUrl()).contains(runtime.queues().syncDlq().url());
            assertThat(settings.loadDlqUrl()).contains(runtime.queues().loadDlq().url());
            assertThat(settings.s3Endpoint()).contains(runtime.s3Endpoint());
            assertThat(settings.sqsEndpoint()).contains(runtime.sqsEndpoint());
            assertThat(settings.workDir()).isEqualTo(dir.resolve("work").toAbsolutePath());
            assertThat(settings.warehouseUrl()).contains("jdbc:duckdb:" + dir.resolve("warehouse.duckdb").toAbsolutePath());

            // A handler built the way the real ones are (a constructor taking Settings), fed from the sync queue,
            // writing a manifest through its own clients: the manifest's event reaches the load queue's handler.
            List<String> loaded = new CopyOnWriteArrayList<>();
            runtime.attach(runtime.queues().sync(), EventSourceMapping.of("worker", 1, 1, Duration.ofMinutes(1)),
                    CopyingWorker::new);
            runtime.attach(runtime.queues().load(), EventSourceMapping.of("loader", 1, 1, Duration.ofMinutes(1)),
                    (event, context) -> {
                        event.getRecords().forEach(r -> loaded.add(r.getBody()));
                        return null;
                    });
            runtime.sqs().sendMessage(b -> b.queueUrl(runtime.queues().sync().url()).messageBody("slice-1"));

            assertThat(runtime.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(loaded).anySatisfy(body -> assertThat(body)
                    .contains("\"key\":\"manifests/slice-1/manifest-slice-1.json\""));
        }
    }

    @Test
    void attach_whenFactory_buildsOneHandlerPerEnvironmentWithItsOwnWorkDir() throws Exception {
        Path dir = TestDirs.create("runtime-environments");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            List<Path> workDirs = new CopyOnWriteArrayList<>();
            List<RequestHandler<SQSEvent, SQSBatchResponse>> handlers = new CopyOnWriteArrayList<>();
            runtime.attach(runtime.queues().sync(), EventSourceMapping.of("worker", 1, 3, Duration.ofMinutes(1)),
                    settings -> {
                        workDirs.add(settings.workDir());
                        RequestHandler<SQSEvent, SQSBatchResponse> handler = new CopyingWorker(settings);
                        handlers.add(handler);
                        return handler;
                    });

            assertThat(handlers).hasSize(3).doesNotHaveDuplicates();
            assertThat(workDirs).containsExactlyInAnyOrder(dir.resolve("work/worker-0").toAbsolutePath(),
                    dir.resolve("work/worker-1").toAbsolutePath(), dir.resolve("work/worker-2").toAbsolutePath());
            assertThat(workDirs).allSatisfy(workDir -> assertThat(workDir).isDirectory());
        }
    }

    @Test
    void attach_whenVisibilityShorterThanTimeout_isRefusedAsLambdaDoes() {
        LocalRuntimeConfig config = LocalRuntimeConfig.defaults(Optional.empty())
                .withVisibilityTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(60));
        try (LocalRuntime runtime = LocalRuntime.start(config)) {
            assertThatThrownBy(() -> runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER,
                    (event, context) -> null))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("visibility timeout 60 s is less than the function timeout plus the batching window, 900 s");
            assertThat(runtime.pollers()).isEmpty();
        }
    }

    @Test
    void s3_whenSecretIsWrong_rejectsTheRequest() {
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.empty()));
             S3Client intruder = new AwsClients(Region.US_EAST_1,
                     new LocalCredentials("sliceflow", "wrong-secret").provider(),
                     Optional.of(runtime.s3Endpoint()), Optional.empty()).s3()) {
            assertThatThrownBy(() -> intruder.listObjectsV2(b -> b.bucket(runtime.bucket())))
                    .isInstanceOf(S3Exception.class)
                    .satisfies(e -> assertThat(((S3Exception) e)
                            .statusCode()).isEqualTo(403));
        }
    }

    @Test
    void close_leavesNoThreadsOfItsOwnRunning() throws Exception {
        Set<Thread> before = LiveThreads.now();
        LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.empty()));
        runtime.attach(runtime.queues().sync(), EventSourceMapping.of("closer", 1, 2, Duration.ofMinutes(1)),
                (event, context) -> null);

        runtime.close();

        Await.within(Duration.ofSeconds(10), () -> LiveThreads.startedSince(before).isEmpty());
        assertThat(LiveThreads.startedSince(before)).as("non-daemon threads started by the runtime and still alive")
                .isEmpty();
    }

    /** Stands in for the worker: writes a manifest named after the message body with clients from Settings. */
    static final class CopyingWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {
        private final S3Client s3;
        private final String bucket;

        CopyingWorker(Settings settings) {
            this.s3 = settings.clients().s3();
            this.bucket = settings.bucket();
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            for (SQSEvent.SQSMessage record : event.getRecords()) {
                String key = "manifests/" + record.getBody() + "/manifest-" + record.getBody() + ".json";
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("{}"));
            }
            return new SQSBatchResponse(List.of());
        }
    }
}

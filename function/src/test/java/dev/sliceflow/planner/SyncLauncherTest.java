package dev.sliceflow.planner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.core.Json;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.SyncRequestCodec;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.staging.S3Uploader;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** Planning and enqueueing against ElasticMQ and s3proxy. */
class SyncLauncherTest {
    private final LocalS3 s3 = LocalS3.get();
    private final LocalSqs sqs = LocalSqs.get();
    private final String bucket = s3.newBucket();
    private final String queue = sqs.newQueue("sync");

    /** Passes batches to ElasticMQ but fails every third entry of a call once, as SQS does under throttling. */
    private static final class FlakySqs implements SqsClient {
        private final SqsClient real;
        private final Map<String, Integer> failures = new ConcurrentHashMap<>();
        final AtomicInteger injected = new AtomicInteger();

        FlakySqs(SqsClient real) {
            this.real = real;
        }

        @Override
        public SendMessageBatchResponse sendMessageBatch(SendMessageBatchRequest request) {
            List<SendMessageBatchRequestEntry> pass = new ArrayList<>();
            List<BatchResultErrorEntry> failed = new ArrayList<>();
            for (int i = 0; i < request.entries().size(); i++) {
                SendMessageBatchRequestEntry entry = request.entries().get(i);
                if (i % 3 == 1 && failures.merge(entry.messageBody(), 1, Integer::sum) == 1) {
                    injected.incrementAndGet();
                    failed.add(BatchResultErrorEntry.builder().id(entry.id()).code("ThrottlingException")
                            .message("injected").senderFault(false).build());
                } else {
                    pass.add(entry);
                }
            }
            SendMessageBatchResponse response = pass.isEmpty() ? SendMessageBatchResponse.builder().build()
                    : real.sendMessageBatch(request.toBuilder().entries(pass).build());
            return response.toBuilder().failed(failed).build();
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {
        }
    }

    private SyncSpec spec(int accounts) {
        List<String> list = IntStream.range(0, accounts).mapToObj(i -> String.format("%012d", 100 + i)).toList();
        return new SyncSpec("nightly", dev.sliceflow.request.SourceSpec.of("synthetic"),
                new SyncSpec.Accounts(list, false, null, null), List.of("us-east-1", "eu-west-1", "ap-south-1"),
                null, null, null, null);
    }

    private SyncLauncher launcher(SqsClient client) {
        Planner planner = new Planner(new SourceRegistry(List.of(new SyntheticSourceFactory())), Discovery.none());
        S3Uploader uploader = new S3Uploader(s3.client(), bucket, S3Uploader.DEFAULT_THRESHOLD,
                S3Uploader.DEFAULT_CHUNK, Executors.newSingleThreadExecutor());
        return new SyncLauncher(planner, uploader, s3.client(), bucket, new SqsEnqueuer(client, 4));
    }

    @Test
    void launch_whenSomeBatchEntriesFail_everySliceIsEnqueuedExactlyOnceInTheEnd() throws Exception {
        FlakySqs flaky = new FlakySqs(sqs.client());
        List<Long> progress = new ArrayList<>();

        SyncLauncher.Launch launch = launcher(flaky).launch(spec(67), Instant.parse("2026-11-25T03:00:00Z"),
                Optional.empty(), queue, false, p -> {
                    synchronized (progress) {
                        progress.add(p);
                    }
                });

        assertThat(flaky.injected.get()).isGreaterThan(50);
        assertThat(launch.sent()).isEqualTo(201);
        List<Message> messages = sqs.drain(queue);
        Map<String, Integer> slices = new HashMap<>();
        for (Message message : messages) {
            SyncRequest request = SyncRequestCodec.parse(message.body());
            assertThat(request.syncId()).isEqualTo("nightly-20261125T030000Z");
            slices.merge(request.account() + "/" + request.region(), 1, Integer::sum);
        }
        assertThat(slices).hasSize(201).allSatisfy((slice, count) -> assertThat(count).as(slice).isEqualTo(1));
        assertThat(progress).contains(201L);

        Plan plan = Json.mapper().readValue(s3.client().getObjectAsBytes(b -> b.bucket(bucket)
                .key("syncs/sync_id=nightly-20261125T030000Z/plan.json")).asByteArray(), Plan.class);
        assertThat(plan.slices()).isEqualTo(201);
        assertThat(plan.accounts()).hasSize(67);
    }

    @Test
    void launch_whenRunAgainForTheSameSyncId_sendsNothing() {
        Instant time = Instant.parse("2026-11-25T04:00:00Z");
        SyncLauncher launcher = launcher(sqs.client());
        launcher.launch(spec(2), time, Optional.empty(), queue, false, p -> { });
        assertThat(sqs.drain(queue)).hasSize(6);

        SyncLauncher.Launch again = launcher.launch(spec(2), time, Optional.empty(), queue, false, p -> { });

        assertThat(again.alreadyEnqueued()).isTrue();
        assertThat(again.sent()).isZero();
        assertThat(sqs.drain(queue)).isEmpty();
    }
}

package dev.sliceflow.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.loader.LoadDeadLetters;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.loader.ManifestLoader;
import dev.sliceflow.local.cli.DemoSync;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.staging.S3Uploader;
import dev.sliceflow.staging.Uploader;
import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.destination.ForwardingBookkeeping;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.Warehouses;
import dev.sliceflow.worker.SliceSyncer;
import dev.sliceflow.worker.SyncWorker;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Crashes at the points that matter, each slice or manifest crashing once, through the real protocols; the warehouse
 * ends exactly equal to the source every time:
 * <ul>
 *   <li>a worker attempt dies after its first part (parts orphaned, no manifest: the us-east-1 slices), or after
 *       every part but before the manifest (the eu-west-1 slices): SQS redelivers, a new attempt commits;</li>
 *   <li>a loader dies in the middle of a load (after its first part is inserted): the transaction rolls back, SQS
 *       redelivers;</li>
 *   <li>a loader commits, then dies before SQS deletes the message: SQS redelivers, the ledger skips it.</li>
 * </ul>
 */
class CrashInjectionTest {
    private static final Pattern SLICE = Pattern.compile("account=([0-9]{12})/region=([a-z0-9-]+)/");

    @Test
    void workerDiesBetweenPartsOrBeforeTheManifest_warehouseExact() throws Exception {
        Set<String> crashed = ConcurrentHashMap.newKeySet();
        Map<String, AtomicInteger> uploads = new ConcurrentHashMap<>();
        try (Pipeline pipeline = Pipeline.start("crash-worker")) {
            // the worker's own wiring (CompositionRoot.worker), with an uploader that dies once per slice
            pipeline.worker(settings -> {
                S3Client s3 = settings.clients().s3();
                Uploader real = new S3Uploader(s3, settings.bucket(), S3Uploader.DEFAULT_THRESHOLD,
                        S3Uploader.DEFAULT_CHUNK, daemonPool());
                Uploader crashing = new Uploader() {
                    @Override
                    public void upload(String key, Path file, String contentType) throws IOException {
                        String slice = slice(key);
                        boolean afterFirstPart = slice.endsWith("/us-east-1");
                        if (afterFirstPart && uploads.computeIfAbsent(slice, s -> new AtomicInteger())
                                .incrementAndGet() == 2 && crashed.add(slice)) {
                            throw new IllegalStateException("injected crash: worker died after the first part of "
                                    + slice);
                        }
                        real.upload(key, file, contentType);
                    }

                    @Override
                    public void put(String key, byte[] content, String contentType) {
                        String slice = key.startsWith("manifests/") ? slice(key) : "";
                        if (slice.endsWith("/eu-west-1") && crashed.add(slice)) {
                            throw new IllegalStateException("injected crash: worker died before the manifest of "
                                    + slice);
                        }
                        real.put(key, content, contentType);
                    }
                };
                SyncWorker worker = new SyncWorker(new SliceSyncer(CompositionRoot.sources(settings), crashing,
                        Clock.systemUTC()), settings.clients().sqs(), settings.syncQueueUrl(), settings.syncDlqUrl(),
                        settings.workDir(), settings.deadlineMargin());
                return worker::handle;
            }).realLoader();

            Plan plan = pipeline.launch(DemoSync.spec(2, 2, 30, 4), "crash-worker").plan();
            pipeline.awaitComplete("crash-worker", Duration.ofSeconds(90));

            assertThat(crashed).as("every slice crashed once").hasSize((int) plan.slices());
            assertExact(pipeline, plan, 4);
            List<String> dataKeys = pipeline.runtime.s3().listObjectsV2Paginator(b -> b
                    .bucket(pipeline.runtime.bucket()).prefix("data/")).contents().stream().map(S3Object::key).toList();
            assertThat(dataKeys).as("parts of the dead attempts are left in S3, loaded by no manifest")
                    .hasSizeGreaterThan((int) plan.slices() * 3);
        }
    }

    @Test
    void loaderDiesMidLoad_transactionRollsBackAndTheRetryLoadsOnce() throws Exception {
        Set<String> crashed = ConcurrentHashMap.newKeySet();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Pipeline pipeline = Pipeline.start("crash-loader")) {
            // the loader's own logic (ManifestLoader, as LoaderHandler wires it) on a warehouse that dies mid-load
            pipeline.realWorker().loader(settings -> {
                Warehouse real = Warehouses.open(Warehouses.config(settings, () -> {
                    throw new IllegalStateException("no secrets locally");
                }));
                Warehouse crashing = new CrashingWarehouse(real, crashed);
                ManifestLoader loader = new ManifestLoader(settings.clients().s3(), settings.bucket(), crashing,
                        LoadDeadLetters.sqs(settings.clients().sqs(), settings.loadDlqUrl().orElseThrow()));
                return new LoaderLoop(loader, crashing, failures);
            });

            Plan plan = pipeline.launch(DemoSync.spec(2, 2, 30, 5), "crash-loader").plan();
            SyncStatus status = pipeline.awaitComplete("crash-loader", Duration.ofSeconds(90));

            assertThat(crashed).as("every manifest crashed once").hasSize((int) plan.slices());
            assertThat(failures).as("failed loads").hasSize((int) plan.slices())
                    .allSatisfy(f -> assertThat(f).contains("injected crash: loader died after the first part"));
            assertThat(status.manifests()).isEqualTo(plan.slices());
            assertExact(pipeline, plan, 5);
        }
    }

    @Test
    void loaderCommitsThenDiesBeforeTheDelete_redeliveryIsSkipped() throws Exception {
        AtomicInteger crashes = new AtomicInteger();
        try (Pipeline pipeline = Pipeline.start("crash-after-commit")) {
            pipeline.realWorker().loader(Handlers.around(LoaderHandler::new, new Handlers.Around() {
                @Override
                public void after(SQSEvent event, SQSBatchResponse response) {
                    // every manifest event of a batch dies with it on its first delivery
                    long first = event.getRecords().stream().filter(r -> r.getBody().contains("ObjectCreated")
                            && "1".equals(r.getAttributes().get("ApproximateReceiveCount"))).count();
                    if (first > 0) {
                        crashes.addAndGet((int) first);
                        throw new IllegalStateException("injected crash: loader died after its commit");
                    }
                }
            }));

            Plan plan = pipeline.launch(DemoSync.spec(2, 2, 30, 6), "crash-after-commit").plan();
            SyncStatus status = pipeline.awaitComplete("crash-after-commit", Duration.ofSeconds(90));
            assertThat(pipeline.runtime.awaitIdle(Duration.ofSeconds(30))).isTrue();

            assertThat(crashes.get()).isEqualTo(plan.slices());
            assertThat(pipeline.runtime.pollers().get(1).stats().failedInvocations()).as("the crashed batches")
                    .isPositive();
            assertThat(status.manifests()).isEqualTo(plan.slices());
            assertExact(pipeline, plan, 6);
            try (Connection c = pipeline.connect()) {
                assertThat(SyntheticOracle.ledgerRows(c)).isEqualTo(plan.slices() * 3);
            }
        }
    }

    private static void assertExact(Pipeline pipeline, Plan plan, long seed) throws Exception {
        try (Connection c = pipeline.connect()) {
            SyntheticOracle.assertExact(c, plan, 30, seed, 1);
        }
        assertThat(pipeline.runtime.messages(pipeline.runtime.queues().syncDlq())).isZero();
        assertThat(pipeline.runtime.messages(pipeline.runtime.queues().loadDlq())).isZero();
    }

    private static String slice(String key) {
        Matcher m = SLICE.matcher(key);
        if (!m.find()) {
            throw new IllegalArgumentException("no slice in " + key);
        }
        return m.group(1) + "/" + m.group(2);
    }

    private static ExecutorService daemonPool() {
        return Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "crash-test-multipart");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** LoaderHandler's loop over ManifestLoader (its constructor taking one is package-private). */
    private record LoaderLoop(ManifestLoader loader, Warehouse warehouse, List<String> failures)
            implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, com.amazonaws.services.lambda.runtime.Context context) {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                try {
                    loader.handleMessage(message.getBody());
                } catch (RuntimeException e) {
                    this.failures.add(String.valueOf(e.getMessage()));
                    failures.add(SQSBatchResponse.BatchItemFailure.builder()
                            .withItemIdentifier(message.getMessageId()).build());
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }

        @Override
        public void close() {
            warehouse.close();
        }
    }

    /** The real warehouse, except that the first load of each manifest dies when it opens its second part. */
    private record CrashingWarehouse(Warehouse real, Set<String> crashed)
            implements Warehouse, ForwardingBookkeeping {
        @Override
        public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts) {
            boolean first = false;
            for (StagedManifest staged : batch) {
                first |= crashed.add(staged.key());
            }
            if (!first) {
                return real.load(batch, parts);
            }
            AtomicInteger opened = new AtomicInteger();
            return real.load(batch, part -> {
                if (opened.incrementAndGet() == 2) {
                    throw new IllegalStateException("injected crash: loader died after the first part of a batch");
                }
                return parts.open(part);
            });
        }

        @Override
        public Bookkeeping bookkeeping() {
            return real;
        }

        @Override
        public void close() {
            real.close();
        }
    }
}

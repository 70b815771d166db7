package dev.sliceflow.local.e2e;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.loader.LoadDeadLetters;
import dev.sliceflow.loader.ManifestLoader;
import dev.sliceflow.loader.MaxReceives;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.LocalCredentials;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.local.runtime.SqsPoller;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.sqs.SqsBatch;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.testing.TestDirs;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.Warehouses;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context.BeforeTransmission;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * The loader's timeout kept end to end: local S3 and SQS, the loader on DuckDB behind the event source mapping with a
 * 3 s function timeout, and an S3 whose part GETs take longer than that on the first delivery. Nothing commits after
 * the timeout (the row count stays 0); the redelivered message, with S3 fast again, loads the manifest once.
 */
class LoaderTimeoutTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration WINDOW = Duration.ofSeconds(1);
    /** How long a part GET takes while S3 is slow: longer than any timeout here. */
    private static final long SLOW_GET_MILLIS = 8_000;
    private static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));

    @Test
    void aLoadSlowerThanTheTimeout_commitsNothing_andLoadsOnceWhenRedeliveredWithTime() throws Exception {
        Path dir = TestDirs.create("loader-timeout");
        AtomicBoolean slowS3 = new AtomicBoolean(true);
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir))
                .withVisibilityTimeouts(Duration.ofSeconds(4), TIMEOUT.plus(WINDOW)))) {
            String warehouseUrl = runtime.environment().get("SLICEFLOW_WAREHOUSE_URL");
            EventSourceMapping mapping = LocalRuntime.LOADER.withTimeout(TIMEOUT).withBatching(10, WINDOW)
                    .withShutdownGrace(Duration.ofSeconds(5));
            SqsPoller poller = runtime.attach(runtime.queues().load(), mapping, settings -> {
                S3Client slow = slowS3Client(runtime, slowS3);
                Warehouse warehouse = Warehouses.open(new WarehouseConfig(warehouseUrl, Optional.empty(),
                        Optional.empty()));
                return new TimedLoader(new ManifestLoader(slow, runtime.bucket(), warehouse,
                        LoadDeadLetters.sqs(runtime.sqs(), runtime.queues().loadDlq().url()), false,
                        MaxReceives.sqs(runtime.sqs())), slowS3, true);
            });
            await(() -> poller.stats().invocations() >= 1 && poller.stats().inFlight() == 0, "the s3:TestEvent");
            long before = poller.stats().failedRecords();

            Fixture f = ManifestFixtures.manifest("sync-1", Instant.parse("2026-01-01T00:00:00Z"))
                    .table(ITEMS, LongStream.rangeClosed(1, 6).mapToObj(i -> row(i, "item " + i)).toList(), 2)
                    .build();
            f.upload(runtime.s3(), runtime.bucket());

            await(() -> poller.stats().failedRecords() > before, "the first, slow, delivery to fail");
            assertThat(count(warehouseUrl, "SELECT count(*) FROM _sliceflow_manifests")).isZero();
            assertThat(count(warehouseUrl, "SELECT count(*) FROM information_schema.tables"
                    + " WHERE table_name = 'items'")).as("nothing of the load committed").isZero();

            await(() -> count(warehouseUrl, "SELECT count(*) FROM _sliceflow_manifests") == 1, "the redelivery");
            assertThat(runtime.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(count(warehouseUrl, "SELECT count(*) FROM items")).isEqualTo(6);
            assertThat(poller.stats().failedRecords()).as("loaded on its second receive").isEqualTo(before + 1);
            assertThat(runtime.messages(runtime.queues().loadDlq())).isZero();
        }
    }

    @Test
    void aLoadThatNeverFitsTheTimeout_isRejectedOnItsLastReceiveWithTheReasonOnTheDlqMessage() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        Path dir = TestDirs.create("loader-timeout-reject");
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir))
                .withVisibilityTimeouts(Duration.ofSeconds(4), timeout.plus(WINDOW)).withMaxReceiveCount(2))) {
            String warehouseUrl = runtime.environment().get("SLICEFLOW_WAREHOUSE_URL");
            EventSourceMapping mapping = LocalRuntime.LOADER.withTimeout(timeout).withBatching(10, WINDOW)
                    .withShutdownGrace(Duration.ofSeconds(5));
            AtomicBoolean alwaysSlow = new AtomicBoolean(true);
            runtime.attach(runtime.queues().load(), mapping, settings -> new TimedLoader(new ManifestLoader(
                    slowS3Client(runtime, alwaysSlow), runtime.bucket(), Warehouses.open(new WarehouseConfig(
                    warehouseUrl, Optional.empty(), Optional.empty())),
                    LoadDeadLetters.sqs(runtime.sqs(), runtime.queues().loadDlq().url()), false,
                    MaxReceives.sqs(runtime.sqs())), alwaysSlow, false));
            Fixture f = ManifestFixtures.manifest("sync-1", Instant.parse("2026-01-01T00:00:00Z"))
                    .table(ITEMS, LongStream.rangeClosed(1, 4).mapToObj(i -> row(i, "item " + i)).toList(), 2)
                    .build();
            f.upload(runtime.s3(), runtime.bucket());

            List<software.amazon.awssdk.services.sqs.model.Message> dead = new ArrayList<>();
            await(() -> {
                dead.addAll(runtime.sqs().receiveMessage(b -> b.queueUrl(runtime.queues().loadDlq().url())
                        .messageAttributeNames("All").waitTimeSeconds(1)).messages());
                return !dead.isEmpty();
            }, "the manifest in the load DLQ");

            assertThat(dead).singleElement().satisfies(m -> {
                assertThat(m.body()).contains("ObjectCreated");
                assertThat(m.messageAttributes().get("sliceflow-error").stringValue())
                        .contains("manifest " + f.key() + " (2 parts, ")
                        .contains("did not load within the loader's timeout of 5 s")
                        .contains("receive 2 of 2");
            });
            assertThat(count(warehouseUrl, "SELECT count(*) FROM _sliceflow_rejects WHERE manifest_key = '"
                    + f.key() + "' AND reason LIKE '%timeout of 5 s%'")).isEqualTo(1);
            assertThat(count(warehouseUrl, "SELECT count(*) FROM _sliceflow_manifests")).isZero();
        }
    }

    /**
     * LoaderHandler's loop (its constructor taking a ManifestLoader is package-private); S3 fast again from the second
     * receive on when {@code fastOnRetry}.
     */
    private record TimedLoader(ManifestLoader loader, AtomicBoolean slowS3, boolean fastOnRetry)
            implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            SqsBatch batch = SqsBatch.of(event);
            if (fastOnRetry && batch.messages().stream().anyMatch(m -> m.receiveCount() > 1)) {
                slowS3.set(false);
            }
            var outcome = loader.handleBatch(batch.messages(), Duration.ofMillis(context.getRemainingTimeInMillis()));
            outcome.retry().forEach(batch::retry);
            return batch.response();
        }

        @Override
        public void close() {
            loader.close();
        }
    }

    /** The runtime's S3, each part GET taking {@value #SLOW_GET_MILLIS} ms while {@code slow} is set. */
    private static S3Client slowS3Client(LocalRuntime runtime, AtomicBoolean slow) {
        ExecutionInterceptor delay = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(BeforeTransmission context, ExecutionAttributes attributes) {
                if (slow.get() && context.request() instanceof GetObjectRequest get && get.key().startsWith("data/")) {
                    Await.sleep(SLOW_GET_MILLIS);
                }
            }
        };
        return S3Client.builder().endpointOverride(runtime.s3Endpoint()).forcePathStyle(true)
                .region(Region.of(runtime.region())).credentialsProvider(LocalCredentials.DEFAULT.provider())
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(delay)).build();
    }

    private static long count(String url, String sql) {
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        Await.until(what, Duration.ofSeconds(60), condition);
    }
}

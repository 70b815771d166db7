package dev.sliceflow.loader;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.destination.ForwardingBookkeeping;
import dev.sliceflow.destination.LoadDeadline;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.testing.SqsEvents;
import dev.sliceflow.testing.TestContext;
import dev.sliceflow.warehouse.PostgresWarehouse;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The loader within its invocation's time, against s3proxy and embedded PostgreSQL with a slow part store: nothing
 * commits after the deadline, what the time left cannot cover is returned for retry, and a manifest that keeps timing
 * out is rejected with the reason on its last receive.
 */
class LoaderTimeoutTest {
    static final String BUCKET = "sliceflow-timeouts";
    static final String QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:sliceflow-load";
    static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));

    private final S3Client s3 = LocalS3.get().client();
    private final List<String> deadLetters = Collections.synchronizedList(new ArrayList<>());
    private String url;
    private Warehouse real;

    @BeforeEach
    void setUp() {
        LocalS3.get().bucket(BUCKET);
        url = LocalPostgres.get().newDatabase();
        real = PostgresWarehouse.open(new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of("")));
    }

    @AfterEach
    void tearDown() {
        real.close();
    }

    @Test
    void handle_whenTheLoadOutlivesTheTimeout_commitsNothingAndLoadsOnceWhenRedeliveredWithTime() throws Exception {
        Fixture f = items("100000000001", 4, 2);
        f.upload(s3, BUCKET);
        LoaderHandler handler = handler(2_000, MaxReceives.unknown());
        SQSEvent event = event(record("m-1", f.key(), 1));

        SQSBatchResponse timedOut = handler.handleRequest(event, new TestContext(1_500));

        assertThat(failed(timedOut)).containsExactly("m-1");
        assertThat(count("SELECT count(*) FROM _sliceflow_manifests")).isZero();
        assertThat(count("SELECT count(*) FROM information_schema.tables WHERE table_name = 'items'")).isZero();
        assertThat(deadLetters).isEmpty();

        SQSBatchResponse redelivered = handler.handleRequest(event(record("m-1", f.key(), 2)), new TestContext(60_000));
        SQSBatchResponse again = handler.handleRequest(event(record("m-1", f.key(), 3)), new TestContext(60_000));

        assertThat(failed(redelivered)).isEmpty();
        assertThat(failed(again)).isEmpty();
        assertThat(count("SELECT count(*) FROM items")).isEqualTo(4);
        assertThat(count("SELECT count(*) FROM _sliceflow_manifests")).isEqualTo(1);
    }

    @Test
    void handle_whenTheTimeLeftCannotCoverTheNextManifest_loadsTheSmallOnesAndReturnsItForRetry() throws Exception {
        Fixture warmUp = items("100000000001", 1, 1);
        Fixture small = items("100000000002", 1, 1);
        // about 3 MB in one uncompressed part: a dozen times what the small ones weigh
        Fixture big = ManifestFixtures.manifest("sync-1", T1).account("100000000003").compression(Compression.NONE)
                .table(ITEMS, LongStream.rangeClosed(1, 150_000).mapToObj(i -> row(i, "item number " + i)).toList(),
                        150_000).build();
        for (Fixture f : List.of(warmUp, small, big)) {
            f.upload(s3, BUCKET);
        }
        LoaderHandler handler = handler(400, MaxReceives.unknown());
        // this container learns its rate from a first load
        assertThat(failed(handler.handleRequest(event(record("w", warmUp.key(), 1)), new TestContext(60_000))))
                .isEmpty();

        SQSBatchResponse response = handler.handleRequest(event(record("big", big.key(), 1),
                record("small", small.key(), 1)), new TestContext(3_000));

        assertThat(failed(response)).containsExactly("big");
        assertThat(count("SELECT count(*) FROM items WHERE _account = '100000000002'")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM items WHERE _account = '100000000003'")).isZero();
        assertThat(deadLetters).isEmpty();

        assertThat(failed(handler.handleRequest(event(record("big", big.key(), 2)), new TestContext(60_000))))
                .isEmpty();
        assertThat(count("SELECT count(*) FROM items WHERE _account = '100000000003'")).isEqualTo(150_000);
    }

    @Test
    void handle_whenAManifestTimesOutOnItsLastReceive_rejectsItSayingWhy() throws Exception {
        Fixture f = items("100000000001", 1, 1);
        f.upload(s3, BUCKET);
        long bytes = f.manifest().tables().get(0).parts().get(0).bytes();
        LoaderHandler handler = handler(3_000, arn -> QUEUE_ARN.equals(arn) ? OptionalInt.of(5) : OptionalInt.empty());

        SQSBatchResponse fourth = handler.handleRequest(event(record("m", f.key(), 4)), new TestContext(2_000));

        assertThat(failed(fourth)).containsExactly("m");
        assertThat(deadLetters).isEmpty();

        SQSBatchResponse last = handler.handleRequest(event(record("m", f.key(), 5)), new TestContext(2_000));

        assertThat(failed(last)).as("rejected: deleted from the queue").isEmpty();
        assertThat(deadLetters).singleElement().asString()
                .contains("manifest " + f.key() + " (1 parts, " + bytes + " bytes) did not load within the"
                        + " loader's timeout of 2 s")
                .contains("receive 5 of 5").contains("Raise the loader's timeout");
        assertThat(query("SELECT reason FROM _sliceflow_rejects WHERE manifest_key = '" + f.key() + "'"))
                .singleElement().asString().contains("did not load within the loader's timeout of 2 s");
        assertThat(count("SELECT count(*) FROM _sliceflow_manifests")).isZero();
    }

    @Test
    void handle_whenTheManifestsGetHangs_answersBeforeTheTimeoutWithTheMessageForRetry() throws Exception {
        Fixture f = items("100000000001", 1, 1);
        f.upload(s3, BUCKET);
        java.util.concurrent.CountDownLatch answer = new java.util.concurrent.CountDownLatch(1);
        S3Client stalled = S3Client.builder().endpointOverride(LocalS3.get().endpoint()).forcePathStyle(true)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(LocalS3.ACCESS_KEY,
                                LocalS3.SECRET_KEY)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .overrideConfiguration(o -> o.addExecutionInterceptor(
                        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
                            @Override
                            public void beforeTransmission(
                                    software.amazon.awssdk.core.interceptor.Context.BeforeTransmission context,
                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
                                if (context.request() instanceof software.amazon.awssdk.services.s3.model
                                        .GetObjectRequest get && get.key().startsWith("manifests/")) {
                                    try {
                                        answer.await(30, java.util.concurrent.TimeUnit.SECONDS);
                                    } catch (InterruptedException e) {
                                        Thread.currentThread().interrupt();
                                    }
                                }
                            }
                        })).build();
        try (stalled) {
            LoaderHandler handler = new LoaderHandler(new ManifestLoader(stalled, BUCKET, real,
                    (message, reason) -> deadLetters.add(reason), false, MaxReceives.unknown()));
            long start = System.nanoTime();

            SQSBatchResponse response = handler.handleRequest(event(record("m", f.key(), 1)), new TestContext(2_000));

            assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).as("answered within the 2 s")
                    .isLessThan(java.time.Duration.ofMillis(2_000));
            assertThat(failed(response)).containsExactly("m");
        } finally {
            answer.countDown();
        }
        assertThat(real.isLoaded(f.key(), f.sha256())).isFalse();
    }

    @Test
    void maxReceives_readsTheQueuesRedrivePolicy() {
        LocalSqs sqs = LocalSqs.get();
        String dlq = sqs.newQueue("timeouts-dlq");
        String dlqArn = sqs.client().getQueueAttributes(b -> b.queueUrl(dlq)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        String queue = sqs.newQueue("timeouts");
        sqs.client().setQueueAttributes(b -> b.queueUrl(queue).attributes(Map.of(QueueAttributeName.REDRIVE_POLICY,
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"7\"}")));
        String arn = sqs.client().getQueueAttributes(b -> b.queueUrl(queue)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        MaxReceives maxReceives = MaxReceives.sqs(sqs.client());

        assertThat(maxReceives.of(arn)).hasValue(7);
        assertThat(maxReceives.of(dlqArn)).as("no redrive policy").isEmpty();
        assertThat(maxReceives.of(null)).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    private LoaderHandler handler(long partDelayMillis, MaxReceives maxReceives) {
        return new LoaderHandler(new ManifestLoader(s3, BUCKET, new SlowParts(real, partDelayMillis),
                (message, reason) -> deadLetters.add(reason), false, maxReceives));
    }

    private static Fixture items(String account, int rows, int rowsPerPart) {
        return ManifestFixtures.manifest("sync-1", T1).account(account)
                .table(ITEMS, LongStream.rangeClosed(1, rows).mapToObj(i -> row(i, "item " + i)).toList(), rowsPerPart)
                .build();
    }

    private static SQSEvent.SQSMessage record(String id, String key, int receiveCount) {
        return SqsEvents.message(id, S3Notifications.of(BUCKET, key, "ObjectCreated:Put"), receiveCount, QUEUE_ARN);
    }

    private static SQSEvent event(SQSEvent.SQSMessage... records) {
        return SqsEvents.of(records);
    }

    private static List<String> failed(SQSBatchResponse response) {
        return SqsEvents.failedIds(response);
    }

    private long count(String sql) throws SQLException {
        return ((Number) query(sql).get(0)).longValue();
    }

    /** The first column of every row. */
    private List<Object> query(String sql) throws SQLException {
        List<Object> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getObject(1));
            }
        }
        return values;
    }

    /** The real warehouse, each part arriving {@code delayMillis} after it was asked for: a slow S3. */
    private record SlowParts(Warehouse real, long delayMillis) implements Warehouse, ForwardingBookkeeping {
        @Override
        public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts) {
            return load(batch, parts, LoadDeadline.none());
        }

        @Override
        public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts, LoadDeadline deadline) {
            return real.load(batch, part -> {
                Await.sleep(delayMillis);
                return parts.open(part);
            }, deadline);
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

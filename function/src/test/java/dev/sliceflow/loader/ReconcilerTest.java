package dev.sliceflow.loader;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.SyncPlan;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.sqs.DeadLetterQueue;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.testing.SqsEvents;
import dev.sliceflow.warehouse.PostgresWarehouse;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The reconciler against s3proxy, ElasticMQ and embedded PostgreSQL: a manifest whose load event was lost is sent
 * again and the real loader loads it; what is loaded, settled or young is not sent.
 */
class ReconcilerTest {
    private static final Instant SYNC_TIME = Instant.now().minus(Duration.ofHours(1)).truncatedTo(
            java.time.temporal.ChronoUnit.SECONDS);
    private static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));
    /** Far enough ahead that what was just written is beyond the default grace period (15 min). */
    private static final Duration LATER = Duration.ofMinutes(16);

    private final S3Client s3 = LocalS3.get().client();
    private final SqsClient sqs = LocalSqs.get().client();
    private String bucket;
    private String loadQueue;
    private String url;
    private Warehouse warehouse;
    private final List<String> deadLetters = new ArrayList<>();

    @BeforeEach
    void setUp() {
        bucket = LocalS3.get().newBucket();
        loadQueue = LocalSqs.get().newQueue("load");
        url = LocalPostgres.get().newDatabase();
        warehouse = PostgresWarehouse.open(new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of("")));
    }

    @AfterEach
    void tearDown() {
        warehouse.close();
    }

    private Reconciler reconciler(Duration ahead) {
        return new Reconciler(s3, bucket, warehouse, sqs, loadQueue,
                Clock.offset(Clock.systemUTC(), ahead), Reconciler.Options.defaults());
    }

    private static Fixture slice(String syncId, String account, long... ids) {
        List<List<Object>> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(row(id, "item " + id));
        }
        return ManifestFixtures.manifest(syncId, SYNC_TIME).account(account).table(ITEMS, rows).build();
    }

    /** What the loader does with whatever is in the load queue now. */
    private List<Message> loadWhatIsQueued() {
        List<Message> messages = LocalSqs.get().drain(loadQueue);
        if (!messages.isEmpty()) {
            new LoaderHandler(new ManifestLoader(s3, bucket, warehouse, (message, reason) -> deadLetters.add(reason)))
                    .handleRequest(SqsEvents.ofReceived(messages), null);
        }
        return messages;
    }

    @Test
    void reconcile_whenACommittedManifestsEventWasLost_sendsItAgainAndTheLoaderLoadsItOnce() throws Exception {
        Fixture lost = slice("sync-1", "111122223333", 1, 2);
        lost.upload(s3, bucket);

        Reconciler.Report report = reconciler(LATER).reconcile();

        assertThat(report.resent()).isEqualTo(1);
        assertThat(report.waiting()).singleElement().satisfies(w -> {
            assertThat(w.syncId()).isEqualTo("sync-1");
            assertThat(w.count()).isEqualTo(1);
            assertThat(w.firstKeys()).containsExactly(lost.key());
        });
        List<Message> sent = loadWhatIsQueued();
        assertThat(sent).singleElement().satisfies(m -> assertThat(
                m.messageAttributes().get(DeadLetterQueue.SENDER_ATTRIBUTE).stringValue()).isEqualTo(Reconciler.SENDER));
        assertThat(query("SELECT id FROM items ORDER BY id")).containsExactly(List.of(1L), List.of(2L));
        assertThat(deadLetters).isEmpty();

        Reconciler.Report again = reconciler(LATER).reconcile();

        assertThat(again.resent()).as("a loaded manifest is not sent again").isZero();
        assertThat(again.waiting()).isEmpty();
        assertThat(LocalSqs.get().drain(loadQueue)).isEmpty();
    }

    @Test
    void reconcile_whenTheManifestIsYoungerThanTheGracePeriod_sendsNothing() {
        slice("sync-1", "111122223333", 1).upload(s3, bucket);

        Reconciler.Report report = reconciler(Duration.ofMinutes(14)).reconcile();

        assertThat(report.resent()).isZero();
        assertThat(report.syncsChecked()).isEqualTo(1);
        assertThat(LocalSqs.get().drain(loadQueue)).isEmpty();
    }

    @Test
    void reconcile_whenManifestsWereLoadedFailedRejectedOrAreRetried_sendsOnlyTheOneNeverSeen() throws Exception {
        Fixture loaded = slice("sync-1", "111122223333", 1);
        Fixture failed = ManifestFixtures.manifest("sync-1", SYNC_TIME).account("444455556666")
                .failedTable(ITEMS, "AccessDenied").build();
        Fixture rejected = slice("sync-1", "777788889999", 3);
        Fixture lost = slice("sync-1", "123456789012", 4);
        for (Fixture f : List.of(loaded, failed, rejected, lost)) {
            f.upload(s3, bucket);
        }
        warehouse.load(loaded.manifest(), loaded.key(), loaded.sha256(), loaded.opener());
        warehouse.load(failed.manifest(), failed.key(), failed.sha256(), failed.opener());
        warehouse.recordRejected(rejected.key(), rejected.sha256(), "a part outside its slice");
        Fixture failing = slice("sync-1", "210987654321", 5);
        failing.upload(s3, bucket);
        s3.deleteObject(b -> b.bucket(bucket).key(failing.manifest().tables().get(0).parts().get(0).key()));
        new ManifestLoader(s3, bucket, warehouse, (message, reason) -> deadLetters.add(reason))
                .handleBatch(List.of(new dev.sliceflow.sqs.SqsMessage("m-1", S3Notifications.of(bucket, failing.key(),
                        "ObjectCreated:Put"))));
        assertThat(warehouse.failingLoads(10)).as("retried, its message with SQS").hasSize(1);

        Reconciler.Report report = reconciler(LATER).reconcile();

        assertThat(report.resent()).isEqualTo(1);
        assertThat(LocalSqs.get().drain(loadQueue)).singleElement()
                .satisfies(m -> assertThat(S3Notifications.parse(m.body()))
                        .containsExactly(new S3Notifications.ObjectCreated(bucket, lost.key())));
    }

    @Test
    void reconcile_whenTheSyncIsCompleteOrOlderThanTheLookBack_neitherListsNorSendsIt() {
        warehouse.recordPlan(new SyncPlan("done", SYNC_TIME, "synthetic", 1, 1, 1, "items"));
        Fixture loaded = slice("done", "111122223333", 1);
        loaded.upload(s3, bucket);
        warehouse.load(loaded.manifest(), loaded.key(), loaded.sha256(), loaded.opener());
        // a second attempt's manifest of another slice of a complete sync: nothing to wait for
        slice("done", "444455556666", 2).upload(s3, bucket);
        slice("unknown", "111122223333", 3).upload(s3, bucket);

        Reconciler.Report report = reconciler(LATER).find();

        assertThat(report.syncsChecked()).as("the complete sync is not listed").isEqualTo(1);
        assertThat(report.waiting()).extracting(Reconciler.Waiting::syncId).containsExactly("unknown");
        assertThat(report.resent()).as("find sends nothing").isZero();
        assertThat(LocalSqs.get().drain(loadQueue)).isEmpty();

        Reconciler.Report weekLater = reconciler(Duration.ofDays(8)).reconcile();

        assertThat(weekLater.waiting()).as("manifests older than the look-back").isEmpty();
        assertThat(LocalSqs.get().drain(loadQueue)).isEmpty();
    }

    @Test
    void reconcile_whenMoreAreLostThanOneRunSends_sendsAtMostItsLimitAndTheNextRunTheRest() {
        for (int a = 0; a < 12; a++) {
            slice("sync-" + (a % 2), String.format("1000000000%02d", a), a).upload(s3, bucket);
        }
        Reconciler limited = new Reconciler(s3, bucket, warehouse, sqs, loadQueue,
                Clock.offset(Clock.systemUTC(), LATER), new Reconciler.Options(Duration.ofMinutes(15),
                Duration.ofDays(7), 7));

        assertThat(limited.reconcile().resent()).isEqualTo(7);
        assertThat(loadWhatIsQueued()).hasSize(7);
        assertThat(limited.reconcile().resent()).isEqualTo(5);
        assertThat(loadWhatIsQueued()).hasSize(5);
        assertThat(limited.reconcile().resent()).isZero();
        assertThat(query("SELECT count(*) FROM items")).containsExactly(List.of(12L));
    }

    @Test
    void handler_fromSettings_sendsTheLostEventsAndSaysWhat() throws Exception {
        Fixture lost = slice("sync-1", "111122223333", 1);
        lost.upload(s3, bucket);
        Map<String, String> env = LocalS3.get().environment(bucket);
        env.putAll(LocalSqs.get().environment());
        env.put("SLICEFLOW_LOAD_QUEUE_URL", loadQueue);
        env.put("SLICEFLOW_WAREHOUSE_URL", url);
        env.put("SLICEFLOW_WAREHOUSE_USER", LocalPostgres.USER);
        env.put("SLICEFLOW_WAREHOUSE_PASSWORD", "");
        env.put("SLICEFLOW_RECONCILE_GRACE_MINUTES", "0");

        try (ReconcilerHandler handler = new ReconcilerHandler(Settings.from(env))) {
            Map<String, Object> result = handler.handleRequest(Map.of("source", "aws.events"), null);

            assertThat(result).containsEntry("resent", 1L).containsEntry("waiting", 1L);
            assertThat(result.get("syncs").toString()).contains("sync-1", lost.key());
        }
        loadWhatIsQueued();
        assertThat(query("SELECT id FROM items")).containsExactly(List.of(1L));
    }

    @Test
    void handler_writesWhatItFoundAndSentInEmbeddedMetricFormat() throws Exception {
        slice("sync-1", "111122223333", 1).upload(s3, bucket);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ReconcilerHandler handler = new ReconcilerHandler(reconciler(LATER), () -> { },
                dev.sliceflow.metrics.Metrics.to(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)));

        handler.handleRequest(Map.of(), null);

        var line = dev.sliceflow.core.Json.mapper().readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8)
                .lines().filter(l -> l.contains("LoadEventsResent")).findFirst().orElseThrow());
        assertThat(line.path("ManifestsWaiting").asLong()).isEqualTo(1);
        assertThat(line.path("LoadEventsResent").asLong()).isEqualTo(1);
        assertThat(LocalSqs.get().drain(loadQueue)).hasSize(1);
    }

    private List<List<Object>> query(String sql) {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    row.add(value instanceof Integer n ? n.longValue() : value);
                }
                rows.add(row);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }
}

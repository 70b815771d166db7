package dev.sliceflow.loader;

import static dev.sliceflow.testing.ManifestFixtures.row;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.testing.SqsEvents;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** The loader handler fed the sample events in events/, against s3proxy and embedded PostgreSQL. */
class LoaderHandlerTest {
    /** The bucket the sample events name. */
    static final String BUCKET = "sliceflow-staging-111122223333";
    static final String MANIFEST_KEY = ObjectLayout.manifestKey("sync-1", ManifestFixtures.ACCOUNT,
            ManifestFixtures.REGION, 0);
    static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
    static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));
    /** {@link #ITEMS} with {@code name} changed to BOOLEAN: a manifest the warehouse rejects. */
    static final TableSchema ITEMS_NAME_BOOLEAN = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.BOOLEAN)), List.of("id"));

    private final S3Client s3 = LocalS3.get().client();
    private final List<String> deadLetters = Collections.synchronizedList(new ArrayList<>());
    private String url;
    private Warehouse warehouse;
    private LoaderHandler handler;

    @BeforeEach
    void setUp() {
        LocalS3.get().bucket(BUCKET);
        url = LocalPostgres.get().newDatabase();
        warehouse = PostgresWarehouse.open(new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of("")));
        handler = new LoaderHandler(new ManifestLoader(s3, BUCKET, warehouse,
                (message, reason) -> deadLetters.add(reason)));
    }

    @AfterEach
    void tearDown() {
        warehouse.close();
    }

    static Fixture items(long... ids) {
        List<List<Object>> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(row(id, "item " + id));
        }
        return ManifestFixtures.manifest("sync-1", T1).table(ITEMS, rows, 2).build();
    }

    private static String notification(String manifestKey) {
        return S3Notifications.of(BUCKET, manifestKey, "ObjectCreated:Put");
    }

    static SQSEvent event(String name) {
        return EventLoader.loadSQSEvent("../events/" + name);
    }

    @Test
    void handle_writesTheBatchsMetricsInEmbeddedMetricFormat() throws Exception {
        items(1, 2, 3).upload(s3, BUCKET);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        LoaderHandler measured = new LoaderHandler(new ManifestLoader(s3, BUCKET, warehouse,
                (message, reason) -> deadLetters.add(reason)), dev.sliceflow.metrics.Metrics.to(
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8)));

        measured.handleRequest(event("loader-sqs-manifest.json"), null);

        var line = dev.sliceflow.core.Json.mapper().readTree(out.toString(java.nio.charset.StandardCharsets.UTF_8)
                .lines().filter(l -> l.contains("ManifestsLoaded")).findFirst().orElseThrow());
        assertThat(line.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText()).isEqualTo("Sliceflow");
        assertThat(line.path("ManifestsLoaded").asLong()).isEqualTo(1);
        assertThat(line.path("RowsLoaded").asLong()).isEqualTo(3);
        assertThat(line.path("ManifestsRejected").asLong()).isZero();
    }

    @Test
    void handle_whenTheManifestsSyncTimeIsFarInTheFuture_rejectsItSoItCannotFreezeItsSlice() throws Exception {
        Instant future = Instant.parse("9999-12-31T23:59:59Z");
        Fixture f = ManifestFixtures.manifest("sync-1", future).table(ITEMS, List.of(row(1L, "x"))).build();
        f.upload(s3, BUCKET);

        SQSBatchResponse response = handler.handleRequest(event("loader-sqs-manifest.json"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters).singleElement().asString().contains("ahead of the loader's clock");
        assertThat(query("SELECT manifest_key FROM _sliceflow_rejects")).containsExactly(List.of(MANIFEST_KEY));
        assertThat(query("SELECT count(*) FROM _sliceflow_state")).containsExactly(List.of(0L));
    }

    @Test
    void sampleEvent_decodesToTheManifestKey() {
        String body = event("loader-sqs-manifest.json").getRecords().get(0).getBody();

        assertThat(S3Notifications.parse(body)).containsExactly(new S3Notifications.ObjectCreated(BUCKET, MANIFEST_KEY));
        assertThat(S3Notifications.decodeKey("exports/daily+report%3D2026-01-01.csv"))
                .isEqualTo("exports/daily report=2026-01-01.csv");
        assertThat(S3Notifications.decodeKey("a%2Bb+c%C3%A9")).isEqualTo("a+b cé");
    }

    @Test
    void handle_manifestEvent_loadsItOnceHoweverOftenItArrives() throws Exception {
        Fixture f = items(1, 2, 3);
        f.upload(s3, BUCKET);

        SQSBatchResponse first = handler.handleRequest(event("loader-sqs-manifest.json"), null);
        SQSBatchResponse second = handler.handleRequest(event("loader-sqs-manifest.json"), null);

        assertThat(first.getBatchItemFailures()).isEmpty();
        assertThat(second.getBatchItemFailures()).isEmpty();
        assertThat(query("SELECT id FROM items ORDER BY id")).containsExactly(List.of(1L), List.of(2L), List.of(3L));
        assertThat(warehouse.ledger("sync-1")).singleElement().satisfies(e -> {
            assertThat(e.manifestKey()).isEqualTo(MANIFEST_KEY);
            assertThat(e.manifestSha256()).isEqualTo(f.sha256());
        });
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void handle_testEventAndNonManifestKey_areIgnored() {
        SQSBatchResponse test = handler.handleRequest(event("loader-sqs-test-event.json"), null);
        SQSBatchResponse other = handler.handleRequest(event("loader-sqs-non-manifest.json"), null);

        assertThat(test.getBatchItemFailures()).isEmpty();
        assertThat(other.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void handle_whenAPartIsMissing_failsTheMessageForARetryThatThenLoads() throws Exception {
        Fixture f = items(1, 2, 3);
        f.upload(s3, BUCKET);
        ManifestPart missing = f.manifest().tables().get(0).parts().get(1);
        s3.deleteObject(b -> b.bucket(BUCKET).key(missing.key()));
        SQSEvent event = event("loader-sqs-manifest.json");

        SQSBatchResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getMessageId());
        assertThat(deadLetters).isEmpty();

        s3.putObject(b -> b.bucket(BUCKET).key(missing.key()), RequestBody.fromBytes(f.parts().get(missing.key())));
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        assertThat(query("SELECT count(*) FROM items")).containsExactly(List.of(3L));
    }

    @Test
    void handle_whenALoadFailsTransiently_keepsItsLastErrorWhereStatusShowsItUntilItLoads() throws Exception {
        Fixture f = items(1, 2, 3);
        f.upload(s3, BUCKET);
        ManifestPart missing = f.manifest().tables().get(0).parts().get(1);
        s3.deleteObject(b -> b.bucket(BUCKET).key(missing.key()));
        SQSEvent event = event("loader-sqs-manifest.json");

        handler.handleRequest(event, null);
        handler.handleRequest(event, null);

        assertThat(warehouse.failingLoads(10)).singleElement().satisfies(e -> {
            assertThat(e.manifestKey()).isEqualTo(MANIFEST_KEY);
            assertThat(e.manifestSha256()).isEqualTo(f.sha256());
            assertThat(e.error()).contains(missing.key());
            assertThat(e.attempts()).isEqualTo(2);
        });

        s3.putObject(b -> b.bucket(BUCKET).key(missing.key()), RequestBody.fromBytes(f.parts().get(missing.key())));
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        assertThat(warehouse.failingLoads(10)).isEmpty();
        assertThat(query("SELECT attempts FROM _sliceflow_load_errors")).as("the history stays, resolved")
                .containsExactly(List.of(2L));
    }

    /** Items 1-3 uploaded, their first part then overwritten by 5 bytes; returns that part. */
    private ManifestPart uploadWithAShortFirstPart() {
        Fixture f = items(1, 2, 3);
        f.upload(s3, BUCKET);
        ManifestPart part = f.manifest().tables().get(0).parts().get(0);
        s3.putObject(b -> b.bucket(BUCKET).key(part.key()), RequestBody.fromString("short"));
        return part;
    }

    @Test
    void load_whenADirectS3EventsLoadFailsTransiently_keepsItsLastError() {
        ManifestPart part = uploadWithAShortFirstPart();
        ManifestLoader loader = new ManifestLoader(s3, BUCKET, warehouse, (message, reason) -> deadLetters.add(reason));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load(BUCKET, MANIFEST_KEY, "{}"))
                .isInstanceOf(dev.sliceflow.destination.TransientLoadException.class);

        assertThat(warehouse.failingLoads(10)).singleElement()
                .satisfies(e -> assertThat(e.error()).contains(part.key(), "5 bytes"));
    }

    @Test
    void load_whenAPartHasAnotherSize_failsTransientlyNamingThePart() {
        ManifestPart part = uploadWithAShortFirstPart();
        ManifestLoader loader = new ManifestLoader(s3, BUCKET, warehouse, (message, reason) -> deadLetters.add(reason));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load(BUCKET, MANIFEST_KEY, "{}"))
                .isInstanceOf(dev.sliceflow.destination.TransientLoadException.class)
                .hasMessageContaining(part.key())
                .hasMessageContaining("5 bytes, manifest says " + part.bytes());
    }

    @Test
    void handle_whenTheManifestIsInvalid_rejectsItToTheDlqAndTheLedgerWithoutRetry() throws Exception {
        s3.putObject(b -> b.bucket(BUCKET).key(MANIFEST_KEY), RequestBody.fromString("{\"formatVersion\": 99}"));

        SQSBatchResponse response = handler.handleRequest(event("loader-sqs-manifest.json"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters).singleElement().asString().contains(MANIFEST_KEY);
        assertThat(query("SELECT manifest_key FROM _sliceflow_rejects")).containsExactly(List.of(MANIFEST_KEY));
    }

    @Test
    void handle_whenAPartLiesOutsideItsTable_rejectsTheManifest() throws Exception {
        byte[] bytes = ManifestFixtures.csv(ITEMS, List.of(row(1L, "x")), dev.sliceflow.request.Compression.GZIP);
        String foreign = "manifests/sync_id=other/account=111122223333/region=us-east-1/secret.csv.gz";
        Fixture f = ManifestFixtures.manifest("sync-1", T1).rawTable(ManifestTable.ok(ITEMS,
                List.of(new ManifestPart(foreign, 1, bytes.length, ManifestFixtures.sha256(bytes)))),
                Map.of(foreign, bytes)).build();
        f.upload(s3, BUCKET);

        SQSBatchResponse response = handler.handleRequest(event("loader-sqs-manifest.json"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters).singleElement().asString().contains(foreign).contains("is not one of this slice's and attempt's parts");
    }

    @Test
    void handle_whenAColumnChangedType_rejectsTheManifestNamingTheColumn() throws Exception {
        items(1).upload(s3, BUCKET);
        handler.handleRequest(event("loader-sqs-manifest.json"), null);
        ManifestFixtures.manifest("sync-1", T1.plusSeconds(5)).table(ITEMS_NAME_BOOLEAN, List.of(row(2L, true)))
                .build().upload(s3, BUCKET);

        SQSBatchResponse response = handler.handleRequest(event("loader-sqs-manifest.json"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters).singleElement().asString()
                .contains("table items").contains("column name").contains("STRING").contains("BOOLEAN");
        assertThat(query("SELECT id FROM items")).containsExactly(List.of(1L));
    }

    @Test
    void handle_mixedBatch_loadsIgnoresAndRejectsEachMessageOnItsOwn() throws Exception {
        items(7).upload(s3, BUCKET);

        SQSBatchResponse response = handler.handleRequest(event("loader-sqs-mixed-batch.json"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(query("SELECT id FROM items")).containsExactly(List.of(7L));
        assertThat(deadLetters).singleElement().asString().contains("not JSON");
    }

    private LoaderHandler withUnreachableDlq() {
        return new LoaderHandler(new ManifestLoader(s3, BUCKET, warehouse, (message, reason) -> {
            throw new IllegalStateException("the load DLQ is unreachable");
        }));
    }

    @Test
    void handle_whenARejectionCannotBeDeadLettered_retriesThatMessageAloneAndItsSiblingsLoad() throws Exception {
        items(7).upload(s3, BUCKET);

        SQSBatchResponse response = withUnreachableDlq().handleRequest(event("loader-sqs-mixed-batch.json"), null);

        assertThat(SqsEvents.failedIds(response)).as("the message that is not JSON, not the whole batch")
                .containsExactly("0b4a7f6e-3c1d-4c55-9a8e-5f0a7d3c2b12");
        assertThat(query("SELECT id FROM items")).containsExactly(List.of(7L));
    }

    @Test
    void handle_whenAMissingManifestCannotBeDeadLettered_retriesThatMessageAlone() {
        s3.deleteObject(b -> b.bucket(BUCKET).key(MANIFEST_KEY));

        SQSBatchResponse response = withUnreachableDlq().handleRequest(event("loader-sqs-mixed-batch.json"), null);

        assertThat(SqsEvents.failedIds(response)).containsExactlyInAnyOrder("0b4a7f6e-3c1d-4c55-9a8e-5f0a7d3c2b10",
                "0b4a7f6e-3c1d-4c55-9a8e-5f0a7d3c2b12");
    }

    @Test
    void handle_whenALoadedBatchsRejectionCannotBeDeadLettered_retriesOnlyTheRejectedManifest() throws Exception {
        items(1).upload(s3, BUCKET);
        handler.handleRequest(event("loader-sqs-manifest.json"), null);
        Fixture bad = ManifestFixtures.manifest("sync-1", T1.plusSeconds(5))
                .table(ITEMS_NAME_BOOLEAN, List.of(row(2L, true))).build();
        bad.upload(s3, BUCKET);
        TableSchema widgets = new TableSchema("widgets", List.of(Column.required("id", ColumnType.LONG)),
                List.of("id"));
        Fixture good = ManifestFixtures.manifest("sync-1", T1).account("210987654321")
                .table(widgets, List.of(row(3L))).build();
        good.upload(s3, BUCKET);
        SQSEvent event = SqsEvents.of(SqsEvents.message("good", notification(good.key()), 1, null),
                SqsEvents.message("bad", notification(bad.key()), 1, null));

        SQSBatchResponse response = withUnreachableDlq().handleRequest(event, null);

        assertThat(SqsEvents.failedIds(response)).containsExactly("bad");
        assertThat(query("SELECT id FROM widgets")).containsExactly(List.of(3L));
        assertThat(query("SELECT id FROM items")).containsExactly(List.of(1L));
    }

    @Test
    void s3EventHandler_whenARejectionCannotBeDeadLettered_failsTransientlySoLambdaRetriesIt() {
        s3.deleteObject(b -> b.bucket(BUCKET).key(MANIFEST_KEY));
        LoaderS3EventHandler direct = new LoaderS3EventHandler(new ManifestLoader(s3, BUCKET, warehouse,
                (message, reason) -> {
                    throw new IllegalStateException("the load DLQ is unreachable");
                }));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> direct.handleRequest(
                        EventLoader.loadS3Event("../events/s3-manifest.json"), null))
                .isInstanceOf(dev.sliceflow.destination.TransientLoadException.class)
                .hasMessageContaining("the load DLQ is unreachable").hasMessageContaining(MANIFEST_KEY);
    }

    @Test
    void handle_whenTheWarehouseIsDown_failsTheMessageForARetry() {
        items(1).upload(s3, BUCKET);
        Warehouse down = PostgresWarehouse.open(new WarehouseConfig("jdbc:postgresql://127.0.0.1:1/none",
                Optional.of("u"), Optional.of("p")));
        LoaderHandler broken = new LoaderHandler(new ManifestLoader(s3, BUCKET, down,
                (message, reason) -> deadLetters.add(reason)));

        SQSBatchResponse response = broken.handleRequest(event("loader-sqs-manifest.json"), null);

        assertThat(response.getBatchItemFailures()).as("the error cannot be recorded either: still a retry")
                .hasSize(1);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void s3EventHandler_loadsTheManifestOfADirectS3Event() throws Exception {
        items(4, 5).upload(s3, BUCKET);
        LoaderS3EventHandler direct = new LoaderS3EventHandler(new ManifestLoader(s3, BUCKET, warehouse,
                (message, reason) -> deadLetters.add(reason)));

        String result = direct.handleRequest(EventLoader.loadS3Event("../events/s3-manifest.json"), null);

        assertThat(result).isEqualTo("loaded 1");
        assertThat(query("SELECT id FROM items ORDER BY id")).containsExactly(List.of(4L), List.of(5L));
    }

    @Test
    void directS3Event_whenTheManifestIsRejected_deadLettersANotificationThatRedrivesToTheSameKey() {
        List<String> bodies = new ArrayList<>();
        LoaderS3EventHandler direct = new LoaderS3EventHandler(new ManifestLoader(s3, BUCKET, warehouse,
                (message, reason) -> bodies.add(message.body())));
        s3.deleteObject(b -> b.bucket(BUCKET).key(MANIFEST_KEY));

        String result = direct.handleRequest(EventLoader.loadS3Event("../events/s3-manifest.json"), null);

        assertThat(result).isEqualTo("loaded 0");
        assertThat(bodies).hasSize(1);
        assertThat(S3Notifications.parse(bodies.get(0)))
                .containsExactly(new S3Notifications.ObjectCreated(BUCKET, MANIFEST_KEY));
    }

    @Test
    void publicConstructor_buildsEverythingFromSettingsAsLocalModeDoes() throws Exception {
        items(9).upload(s3, BUCKET);
        Map<String, String> env = LocalS3.get().environment(BUCKET);
        env.put("SLICEFLOW_WAREHOUSE_URL", url);
        env.put("SLICEFLOW_WAREHOUSE_USER", LocalPostgres.USER);
        env.put("SLICEFLOW_WAREHOUSE_PASSWORD", "");

        LoaderHandler fromSettings = new LoaderHandler(Settings.from(env));

        assertThat(fromSettings.handleRequest(event("loader-sqs-manifest.json"), null).getBatchItemFailures()).isEmpty();
        assertThat(query("SELECT id FROM items")).containsExactly(List.of(9L));
    }

    private List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}

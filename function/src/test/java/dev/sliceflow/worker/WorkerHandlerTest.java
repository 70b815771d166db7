package dev.sliceflow.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.SyncRequestCodec;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import dev.sliceflow.testing.SqsEvents;
import dev.sliceflow.testing.StagedParts;
import dev.sliceflow.testing.TestContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.sqs.model.Message;

/** The worker handler as Lambda runs it, wired by the composition root against s3proxy and ElasticMQ. */
class WorkerHandlerTest {
    private static final String VALID = """
            {"syncId":"s1","syncTime":"2026-11-25T09:00:00Z","source":{"kind":"synthetic","options":{"rowsPerTable":"50"}},
             "account":"123456789012","region":"us-east-1"}""";

    private final LocalS3 s3 = LocalS3.get();
    private final LocalSqs sqs = LocalSqs.get();
    private final String bucket = s3.newBucket();
    private final String syncQueue = sqs.newQueue("sync");
    private final String dlq = sqs.newQueue("sync-dlq");

    @TempDir
    Path workDir;

    private Map<String, String> env() {
        Map<String, String> env = s3.environment(bucket);
        env.putAll(sqs.environment());
        env.put("SLICEFLOW_SYNC_QUEUE_URL", syncQueue);
        env.put("SLICEFLOW_SYNC_DLQ_URL", dlq);
        env.put("SLICEFLOW_WORK_DIR", workDir.toString());
        env.put("SLICEFLOW_DEADLINE_MARGIN_SECONDS", "60");
        return env;
    }

    private WorkerHandler handler(Map<String, String> env) {
        return new WorkerHandler(Settings.from(env));
    }

    private boolean exists(String key) {
        return !s3.client().listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents().isEmpty();
    }

    private void assertWorkDirEmpty() throws IOException {
        try (Stream<Path> files = Files.walk(workDir)) {
            assertThat(files.filter(p -> !p.equals(workDir))).as("files left in the work directory").isEmpty();
        }
    }

    private static SQSEvent event(String... bodies) {
        return SqsEvents.ofBodies(bodies);
    }

    @Test
    void handleRequest_whenTheSampleEvent_commitsTheSliceAndLeavesNoFiles() throws IOException {
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-sync-request.json");

        SQSBatchResponse response = handler(env()).handleRequest(event, TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).isEmpty();
        String key = "manifests/sync_id=demo-2026-11-25/account=123456789012/region=us-east-1/manifest-0.json";
        Manifest manifest = ManifestCodec.parse(key, StagedParts.bytes(s3.client(), bucket, key));
        assertThat(manifest.tables()).extracting(ManifestTable::rows).containsOnly(1000L);
        assertThat(manifest.last()).isTrue();
        assertWorkDirEmpty();
    }

    @Test
    void handleRequest_whenMetricsAreOn_writesOneEmfLinePerTableAndOneForTheSlice() throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        dev.sliceflow.metrics.Metrics metrics = dev.sliceflow.metrics.Metrics.to(
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        WorkerHandler handler = new WorkerHandler(CompositionRoot.worker(Settings.from(env())).withMetrics(metrics));

        SQSBatchResponse response = handler.handleRequest(event(VALID), TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).isEmpty();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> lines = new java.util.ArrayList<>();
        for (String line : out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList()) {
            lines.add(json.readTree(line));
        }
        String key = "manifests/sync_id=s1/account=123456789012/region=us-east-1/manifest-0.json";
        Manifest manifest = ManifestCodec.parse(key, StagedParts.bytes(s3.client(), bucket, key));
        List<com.fasterxml.jackson.databind.JsonNode> tables = lines.stream().filter(l -> l.has("Table")).toList();
        assertThat(tables).hasSize(manifest.tables().size()).allSatisfy(l -> {
            assertThat(l.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText()).isEqualTo("Sliceflow");
            assertThat(l.get("Function").asText()).isEqualTo("test");
            assertThat(l.get("syncId").asText()).isEqualTo("s1");
            assertThat(l.get("account").asText()).isEqualTo("123456789012");
            assertThat(l.get("Rows").asLong()).isEqualTo(50);
            assertThat(l.get("Bytes").asLong()).isPositive();
            assertThat(l.get("Parts").asInt()).isPositive();
            assertThat(l.get("FailedTables").asInt()).isZero();
        });
        assertThat(tables.stream().map(l -> l.get("Table").asText()).toList())
                .containsExactlyElementsOf(manifest.tables().stream().map(ManifestTable::name).toList());
        List<com.fasterxml.jackson.databind.JsonNode> slices = lines.stream().filter(l -> l.has("SlicesCommitted"))
                .toList();
        assertThat(slices).hasSize(1);
        assertThat(slices.get(0).get("SliceSeconds").asDouble()).isPositive();
        assertThat(lines).hasSize(tables.size() + 1);
    }

    @Test
    void handleRequest_whenBuiltFromSettings_writesNoMetrics() {
        java.io.PrintStream stdout = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            handler(env()).handleRequest(event(VALID), TestContext.fifteenMinutes());
        } finally {
            System.setOut(stdout);
        }
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("\"_aws\"");
    }

    @Test
    void handleRequest_whenOneRecordIsMalformed_itGoesToTheDlqWithItsReasonAndItsSiblingCommits() throws IOException {
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-mixed-batch.json");

        SQSBatchResponse response = handler(env()).handleRequest(event, TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(exists("manifests/sync_id=demo-2026-11-25/account=210987654321/region=us-east-1/manifest-0.json"))
                .isTrue();
        List<Message> dead = sqs.drain(dlq);
        assertThat(dead).hasSize(1);
        Message message = dead.get(0);
        assertThat(message.body()).isEqualTo(event.getRecords().get(1).getBody());
        assertThat(message.messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.ERROR_ATTRIBUTE).stringValue())
                .startsWith("sync request is not valid JSON");
        assertThat(message.messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.MESSAGE_ID_ATTRIBUTE).stringValue())
                .isEqualTo("6f1c2a3b-0000-4000-8000-000000000003");
        assertThat(message.messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.RECEIVE_COUNT_ATTRIBUTE)
                .stringValue()).isEqualTo(event.getRecords().get(1).getAttributes().get("ApproximateReceiveCount"));
        assertThat(message.messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.SOURCE_ATTRIBUTE).stringValue())
                .isEqualTo(event.getRecords().get(1).getEventSourceArn());
        assertWorkDirEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "path traversal account | \"account\":\"123456789012\" | \"account\":\"../../x\" | invalid account '../../x': must be 12 digits",
        "13-digit account       | \"account\":\"123456789012\" | \"account\":\"1234567890123\" | invalid account '1234567890123'",
        "space in region        | \"region\":\"us-east-1\"     | \"region\":\"us east-1\" | invalid region 'us east-1'",
        "control char in syncId | \"syncId\":\"s1\"            | \"syncId\":\"s1\\u0007x\" | invalid syncId 's1\\u0007x'",
        "slash in syncId        | \"syncId\":\"s1\"            | \"syncId\":\"a/../b\" | invalid syncId 'a/../b'",
        "unknown source         | \"kind\":\"synthetic\"       | \"kind\":\"oracle\" | unknown source 'oracle'; known: synthetic",
        "unknown table          | \"account\"                  | \"tables\":[\"nope\"],\"account\" | 'nope' matches no table of this source",
        "unknown field          | \"account\"                  | \"acount\":\"1\",\"account\" | unknown field \"acount\"",
        "bad option             | \"rowsPerTable\":\"50\"      | \"rowsPerTable\":\"many\" | rowsPerTable must be a whole number",
    })
    void handleRequest_whenTheRequestIsInvalid_sendsItToTheDlqAtOnceWithTheReason(String name, String from, String to,
                                                                                 String reason) throws IOException {
        String body = VALID.replace(from, to);

        SQSBatchResponse response = handler(env()).handleRequest(event(body), TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).as("permanent errors are not retried").isEmpty();
        List<Message> dead = sqs.drain(dlq);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.ERROR_ATTRIBUTE).stringValue()).contains(reason);
        assertThat(s3.client().listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        assertWorkDirEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2026-11-25T09:05:00.001Z", "9999-12-31T23:59:59Z"})
    void handleRequest_whenTheSyncTimeIsMoreThanTheSkewAheadOfTheClock_sendsItToTheDlqWithTheReason(String syncTime)
            throws IOException {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T09:00:00Z"), ZoneOffset.UTC);
        String body = VALID.replace("2026-11-25T09:00:00Z", syncTime);

        SQSBatchResponse response = new WorkerHandler(CompositionRoot.worker(Settings.from(env()), clock))
                .handleRequest(event(body), TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).as("permanent errors are not retried").isEmpty();
        List<Message> dead = sqs.drain(dlq);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).body()).isEqualTo(body);
        assertThat(dead.get(0).messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.ERROR_ATTRIBUTE).stringValue()).isEqualTo(
                "invalid sync request: syncTime " + Instant.parse(syncTime) + " is more than 5 minutes ahead of the"
                + " worker's clock (2026-11-25T09:00:00Z): a sync time in the future would make every later sync of"
                + " slice 123456789012/us-east-1 stale; send it with the time the sync started");
        assertThat(s3.client().listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        assertWorkDirEmpty();
    }

    @Test
    void handleRequest_whenTheSyncTimeIsAheadOfTheClockByNoMoreThanTheSkew_commitsTheSlice() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T08:55:00Z"), ZoneOffset.UTC);

        SQSBatchResponse response = new WorkerHandler(CompositionRoot.worker(Settings.from(env()), clock))
                .handleRequest(event(VALID), TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(sqs.drain(dlq)).isEmpty();
        assertThat(exists("manifests/sync_id=s1/account=123456789012/region=us-east-1/manifest-0.json")).isTrue();
    }

    @Test
    void handleRequest_whenAnS3EventIsSentToTheSyncQueue_theReasonSaysWhatItIsAndWhereItBelongs() {
        String s3Event = EventLoader.loadSQSEvent("events/loader-sqs-manifest.json").getRecords().get(0).getBody();

        SQSBatchResponse response = handler(env()).handleRequest(event(s3Event), TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).isEmpty();
        List<Message> dead = sqs.drain(dlq);
        assertThat(dead).extracting(m -> m.messageAttributes().get(dev.sliceflow.sqs.DeadLetterQueue.ERROR_ATTRIBUTE).stringValue())
                .containsExactly("invalid sync request: this is an S3 event notification (Records[].s3), which"
                        + " belongs on the load queue; the sync queue takes sync requests, see docs/sync-request.md");
    }

    @Test
    void handleRequest_whenS3Fails_reportsOnlyThatRecordForRetryAndDeadLettersNothing() throws IOException {
        Map<String, String> env = env();
        env.put("SLICEFLOW_BUCKET", "no-such-bucket-" + bucket);

        SQSBatchResponse response = handler(env).handleRequest(event(VALID, VALID.replace("s1", "s2")),
                TestContext.fifteenMinutes());

        assertThat(response.getBatchItemFailures()).extracting(f -> f.getItemIdentifier())
                .containsExactly("m-0", "m-1");
        assertThat(sqs.drain(dlq)).isEmpty();
        assertWorkDirEmpty();
    }

    @Test
    void handleRequest_whenTheDeadlineIsNear_commitsOneTableAndEnqueuesTheContinuationWhichCompletesTheSlice() {
        // 60 s margin, 60 s left: the deadline has come, so only the first table runs before committing.
        SQSBatchResponse first = handler(env()).handleRequest(event(VALID), new TestContext(60_000));

        assertThat(first.getBatchItemFailures()).isEmpty();
        List<Message> continuations = sqs.drain(syncQueue);
        assertThat(continuations).hasSize(1);
        SyncRequest next = SyncRequestCodec.parse(continuations.get(0).body());
        assertThat(next.seq()).isEqualTo(1);
        assertThat(next.tables()).containsExactly("synthetic_resources", "synthetic_events");

        SQSBatchResponse second = handler(env()).handleRequest(event(continuations.get(0).body()),
                TestContext.fifteenMinutes());

        assertThat(second.getBatchItemFailures()).isEmpty();
        String prefix = "manifests/sync_id=s1/account=123456789012/region=us-east-1/";
        Manifest m0 = ManifestCodec.parse(prefix + "manifest-0.json",
                StagedParts.bytes(s3.client(), bucket, prefix + "manifest-0.json"));
        Manifest m1 = ManifestCodec.parse(prefix + "manifest-1.json",
                StagedParts.bytes(s3.client(), bucket, prefix + "manifest-1.json"));
        assertThat(m0.last()).isFalse();
        assertThat(m1.last()).isTrue();
        assertThat(Stream.concat(m0.tables().stream(), m1.tables().stream()).map(ManifestTable::name))
                .containsExactly("synthetic_types", "synthetic_resources", "synthetic_events");
        assertThat(sqs.drain(syncQueue)).isEmpty();
    }

    @Test
    void compositionRoot_whenSettingsLackTheBucket_failsNamingTheVariable() {
        Map<String, String> env = env();
        env.remove("SLICEFLOW_BUCKET");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CompositionRoot.worker(Settings.from(env)))
                .hasMessage("SLICEFLOW_BUCKET is not set");
    }
}

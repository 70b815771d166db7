package dev.sliceflow.local.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification.S3EventNotificationRecord;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sliceflow.testing.LocalSqs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.sqs.model.Message;

/** Objects created through the real S3 API produce the stack's notifications on the load queue, in the AWS shape. */
class S3EventNotificationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static LocalRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.empty()));
        List<Message> initial = drain(runtime.queues().load().url());
        assertThat(initial).as("the s3:TestEvent of a freshly configured bucket").hasSize(1);
        assertThat(initial.getFirst().body()).contains("\"Event\":\"s3:TestEvent\"")
                .contains("\"Bucket\":\"" + runtime.bucket() + "\"");
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void putObject_whenManifestKey_sendsOneEventInAwsShape() throws Exception {
        String key = "manifests/x/manifest-0.json";
        runtime.s3().putObject(b -> b.bucket(runtime.bucket()).key(key), RequestBody.fromString("{\"a\":1}"));

        List<Message> messages = drain(runtime.queues().load().url());

        assertThat(messages).hasSize(1);
        JsonNode record = MAPPER.readTree(messages.getFirst().body()).get("Records").get(0);
        assertThat(record.get("eventVersion").asText()).isEqualTo("2.1");
        assertThat(record.get("eventSource").asText()).isEqualTo("aws:s3");
        assertThat(record.get("awsRegion").asText()).isEqualTo("us-east-1");
        assertThat(record.get("eventName").asText()).isEqualTo("ObjectCreated:Put");
        assertThat(record.get("eventTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        JsonNode s3 = record.get("s3");
        assertThat(s3.get("s3SchemaVersion").asText()).isEqualTo("1.0");
        assertThat(s3.get("bucket").get("name").asText()).isEqualTo(runtime.bucket());
        assertThat(s3.get("bucket").get("arn").asText()).isEqualTo("arn:aws:s3:::" + runtime.bucket());
        JsonNode object = s3.get("object");
        assertThat(object.get("key").asText()).isEqualTo(key);
        assertThat(object.get("size").isNumber()).isTrue();
        assertThat(object.get("size").asLong()).isEqualTo(7);
        String eTag = runtime.s3().headObject(b -> b.bucket(runtime.bucket()).key(key)).eTag();
        assertThat(object.get("eTag").asText()).isEqualTo(eTag.replace("\"", "")).isNotEmpty();
        assertThat(object.get("sequencer").asText()).matches("[0-9A-F]{16,}");
    }

    @Test
    void putObject_whenKeyHasSpaceAndEquals_keyIsUrlEncodedLikeAws() throws Exception {
        String key = "manifests/sync_id=a b/account=1/manifest-0.json";
        runtime.s3().putObject(b -> b.bucket(runtime.bucket()).key(key), RequestBody.fromString("{}"));

        List<Message> messages = drain(runtime.queues().load().url());

        assertThat(messages).hasSize(1);
        S3EventNotificationRecord record = parse(messages.getFirst().body());
        assertThat(record.getS3().getObject().getKey()).isEqualTo("manifests/sync_id%3Da+b/account%3D1/manifest-0.json");
        assertThat(record.getS3().getObject().getUrlDecodedKey()).isEqualTo(key);
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(2);
    }

    @Test
    void completeMultipartUpload_whenManifestKey_sendsOneEvent() throws Exception {
        String key = "manifests/x/manifest-1.json";
        String bucket = runtime.bucket();
        String uploadId = runtime.s3().createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        byte[] first = new byte[5 * 1024 * 1024];
        new Random(1).nextBytes(first);
        byte[] second = "tail".getBytes();
        List<CompletedPart> parts = new ArrayList<>();
        int n = 1;
        for (byte[] part : List.of(first, second)) {
            int partNumber = n++;
            String eTag = runtime.s3().uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .partNumber(partNumber), RequestBody.fromBytes(part)).eTag();
            parts.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
        }
        assertThat(drain(runtime.queues().load().url())).as("nothing before the upload completes").isEmpty();

        runtime.s3().completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));

        List<Message> messages = drain(runtime.queues().load().url());
        assertThat(messages).hasSize(1);
        S3EventNotificationRecord record = parse(messages.getFirst().body());
        assertThat(record.getEventName()).isEqualTo("ObjectCreated:CompleteMultipartUpload");
        assertThat(record.getS3().getObject().getUrlDecodedKey()).isEqualTo(key);
        assertThat(record.getS3().getObject().getSizeAsLong()).isEqualTo(first.length + second.length);
    }

    @Test
    void putObject_whenNotAManifestKey_sendsNothing() {
        for (String key : List.of("data/t/sync_date=2026-01-01/part-a-0.csv.gz", "manifests/x/notes.txt",
                "other/manifest-0.json")) {
            runtime.s3().putObject(b -> b.bucket(runtime.bucket()).key(key), RequestBody.fromString("x"));
        }

        assertThat(drain(runtime.queues().load().url())).isEmpty();
    }

    @Test
    void copyObject_whenDestinationIsManifestKey_sendsCopyEvent() throws Exception {
        runtime.s3().putObject(b -> b.bucket(runtime.bucket()).key("staging/m.json"), RequestBody.fromString("{}"));

        runtime.s3().copyObject(b -> b.sourceBucket(runtime.bucket()).sourceKey("staging/m.json")
                .destinationBucket(runtime.bucket()).destinationKey("manifests/y/manifest-0.json"));

        List<Message> messages = drain(runtime.queues().load().url());
        assertThat(messages).hasSize(1);
        assertThat(parse(messages.getFirst().body()).getEventName()).isEqualTo("ObjectCreated:Copy");
    }

    /** The body as the loader will read it: Lambda's own S3Event deserializer. */
    static S3EventNotificationRecord parse(String body) {
        S3Event event = LambdaEventSerializers.serializerFor(S3Event.class, S3Event.class.getClassLoader())
                .fromJson(body);
        assertThat(event.getRecords()).hasSize(1);
        return event.getRecords().getFirst();
    }

    /** Receives (and deletes) every message until the queue stays empty for a 1 s long poll. */
    static List<Message> drain(String queueUrl) {
        return LocalSqs.drain(runtime.sqs(), queueUrl);
    }
}

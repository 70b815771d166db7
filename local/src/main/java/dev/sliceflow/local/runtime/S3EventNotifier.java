package dev.sliceflow.local.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What S3 does for a bucket notification configuration with an SQS destination, which s3proxy does not: for each object
 * created in the bucket whose key matches the filter, one SQS message whose body is an S3 event in the AWS JSON shape
 * (eventVersion 2.1, one record; the key URL-encoded as AWS does, a space as {@code +}); and an {@code s3:TestEvent}
 * message when the configuration is put.
 *
 * <p>Like S3, a failure to deliver the event does not fail the request that created the object: it is logged.
 */
public final class S3EventNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(S3EventNotifier.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Config config;
    private final SqsClient sqs;
    private final String principalId;
    /** Increasing across events and restarts, like S3's per-key sequencer (hex, compared after padding). */
    private final AtomicLong sequencer = new AtomicLong();

    /**
     * @param config      the bucket's notification configuration
     * @param sqs         the client that sends to the destination queue
     * @param principalId the principal named as the events' userIdentity
     */
    public S3EventNotifier(Config config, SqsClient sqs, String principalId) {
        this.config = config;
        this.sqs = sqs;
        this.principalId = principalId;
    }

    public Config config() {
        return config;
    }

    /** True if an object created under this key in this bucket is notified. */
    public boolean matches(String bucket, String key) {
        return config.bucket().equals(bucket) && key.startsWith(config.prefix()) && key.endsWith(config.suffix());
    }

    /**
     * Sends the event for an object already durably stored.
     *
     * @param eventName e.g. {@code ObjectCreated:Put}, {@code ObjectCreated:CompleteMultipartUpload}
     * @param eTag      the object's ETag, with or without the surrounding quotes
     */
    public void objectCreated(String eventName, String bucket, String key, long size, String eTag) {
        if (!matches(bucket, key)) {
            return;
        }
        String body = eventJson(eventName, bucket, key, size, eTag, Instant.now());
        try {
            sqs.sendMessage(b -> b.queueUrl(config.queueUrl()).messageBody(body));
            LOG.debug("{} s3://{}/{} -> {}", eventName, bucket, key, config.queueUrl());
        } catch (RuntimeException e) {
            LOG.error("S3 event {} for s3://{}/{} was not delivered to {}: {}", eventName, bucket, key,
                    config.queueUrl(), e.toString());
        }
    }

    /** Sends the {@code s3:TestEvent} that S3 sends when a notification configuration is put. */
    public void testEvent() {
        ObjectNode event = MAPPER.createObjectNode();
        event.put("Service", "Amazon S3");
        event.put("Event", "s3:TestEvent");
        event.put("Time", EVENT_TIME.format(Instant.now()));
        event.put("Bucket", config.bucket());
        event.put("RequestId", requestId());
        event.put("HostId", hostId());
        sqs.sendMessage(b -> b.queueUrl(config.queueUrl()).messageBody(write(event)));
    }

    /** The event body for one object, as S3 writes it. */
    String eventJson(String eventName, String bucket, String key, long size, String eTag, Instant time) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("eventVersion", "2.1");
        record.put("eventSource", "aws:s3");
        record.put("awsRegion", config.region());
        record.put("eventTime", EVENT_TIME.format(time));
        record.put("eventName", eventName);
        record.putObject("userIdentity").put("principalId", "AWS:" + principalId);
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        ObjectNode response = record.putObject("responseElements");
        response.put("x-amz-request-id", requestId());
        response.put("x-amz-id-2", hostId());
        ObjectNode s3 = record.putObject("s3");
        s3.put("s3SchemaVersion", "1.0");
        s3.put("configurationId", config.id());
        ObjectNode bucketNode = s3.putObject("bucket");
        bucketNode.put("name", bucket);
        bucketNode.putObject("ownerIdentity").put("principalId", principalId);
        bucketNode.put("arn", "arn:aws:s3:::" + bucket);
        ObjectNode object = s3.putObject("object");
        object.put("key", encodeKey(key));
        object.put("size", size);
        object.put("eTag", stripQuotes(eTag));
        object.put("sequencer", nextSequencer());
        return write(root);
    }

    /** S3 URL-encodes keys in events like an HTML form: a space becomes {@code +}, {@code =} becomes %3D; / stays. */
    static String encodeKey(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private String nextSequencer() {
        long now = System.currentTimeMillis() * 1_000_000L;
        long value = sequencer.updateAndGet(previous -> Math.max(previous + 1, now));
        return String.format("%018X", value);
    }

    private static String stripQuotes(String eTag) {
        if (eTag == null) {
            return "";
        }
        return eTag.length() >= 2 && eTag.startsWith("\"") && eTag.endsWith("\"")
                ? eTag.substring(1, eTag.length() - 1) : eTag;
    }

    private static String requestId() {
        return HexFormat.of().withUpperCase().formatHex(randomBytes(8));
    }

    private static String hostId() {
        return Base64.getEncoder().encodeToString(randomBytes(48));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static String write(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an S3 event", e);
        }
    }

    /**
     * A bucket's notification configuration for object creation: the stack's {@code s3:ObjectCreated:*} with a
     * prefix and suffix filter, to one queue.
     *
     * @param id       the configurationId the events carry
     * @param region   the events' awsRegion
     * @param bucket   the notifying bucket
     * @param prefix   the key prefix filter ("" for all)
     * @param suffix   the key suffix filter ("" for all)
     * @param queueUrl the destination queue
     */
    public record Config(String id, String region, String bucket, String prefix, String suffix, String queueUrl) {
    }
}

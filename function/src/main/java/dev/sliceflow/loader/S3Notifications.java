package dev.sliceflow.loader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads S3 event notification JSON as S3 sends it to SQS: {@code Records[].eventName}, {@code .s3.bucket.name},
 * {@code .s3.object.key} (URL-encoded: '+' is a space, %xx a byte of UTF-8). A body may hold several records; the
 * {@code s3:TestEvent} S3 sends when the notification is configured holds none.
 */
final class S3Notifications {
    /** One object-created record. */
    record ObjectCreated(String bucket, String key) {
    }

    private S3Notifications() {
    }

    /**
     * @return the ObjectCreated records of the body (empty for a test event or other event kinds)
     * @throws InvalidInputException when the body is not an S3 notification
     */
    static List<ObjectCreated> parse(String body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("message body is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("message body is not an S3 event notification");
        }
        if ("s3:TestEvent".equals(root.path("Event").asText(null))) {
            return List.of();
        }
        JsonNode records = root.get("Records");
        if (records == null || !records.isArray()) {
            throw new InvalidInputException("message body is not an S3 event notification: no Records");
        }
        List<ObjectCreated> created = new ArrayList<>();
        for (JsonNode record : records) {
            String eventName = record.path("eventName").asText("");
            if (!eventName.startsWith("ObjectCreated:")) {
                continue;
            }
            String bucket = record.path("s3").path("bucket").path("name").asText(null);
            String key = record.path("s3").path("object").path("key").asText(null);
            if (bucket == null || key == null) {
                throw new InvalidInputException("S3 record " + eventName + " has no bucket name or object key");
            }
            created.add(new ObjectCreated(bucket, decodeKey(key)));
        }
        return created;
    }

    /**
     * A one-record notification for an object, in the shape {@link #parse} reads (the key URL-encoded as S3 does):
     * what the direct S3Event handler dead-letters, so that a redrive to the load queue loads it.
     */
    static String of(String bucket, String key, String eventName) {
        var record = Json.mapper().createObjectNode();
        record.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("eventName", eventName);
        record.putObject("s3").putObject("bucket").put("name", bucket);
        ((com.fasterxml.jackson.databind.node.ObjectNode) record.get("s3")).putObject("object")
                .put("key", java.net.URLEncoder.encode(key, StandardCharsets.UTF_8));
        var root = Json.mapper().createObjectNode();
        root.putArray("Records").add(record);
        return root.toString();
    }

    /** S3 URL-encodes keys in notifications the way forms are encoded: '+' for a space, %xx for UTF-8 bytes. */
    static String decodeKey(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("object key " + Identifiers.printable(encoded)
                    + " is not URL-encoded: " + e.getMessage());
        }
    }
}

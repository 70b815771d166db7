package dev.sliceflow.source.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sliceflow.core.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** Conversions from AWS answer values to column values. */
final class Values {
    private Values() {
    }

    /** An ISO-8601 timestamp (2024-01-02T03:04:05.123Z, or with an offset), truncated to microseconds. */
    static Instant instant(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Instant parsed = text.endsWith("Z") || text.endsWith("z") ? Instant.parse(text.toUpperCase())
                : OffsetDateTime.parse(text.matches(".*[+-][0-9]{4}$")
                        ? text.substring(0, text.length() - 2) + ":" + text.substring(text.length() - 2)
                        : text).toInstant();
        return parsed.truncatedTo(ChronoUnit.MICROS);
    }

    /** Epoch seconds with a fraction (JSON protocols: 1.700000000123E9), to the microsecond. */
    static Instant epochSeconds(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isTextual()) {
            String text = node.asText();
            if (text.isEmpty()) {
                return null;
            }
            if (!text.matches("-?[0-9.eE+]+")) {
                return instant(text);
            }
        }
        BigDecimal seconds = new BigDecimal(node.asText());
        long micros = seconds.movePointRight(6).setScale(0, RoundingMode.FLOOR).longValueExact();
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }

    /** Epoch milliseconds (CloudWatch Logs' creationTime). */
    static java.time.Instant epochMillis(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null
                : java.time.Instant.ofEpochMilli(Long.parseLong(node.asText()));
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    static Long longValue(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asLong();
    }

    /** A whole number given as text (SNS, SQS attributes); null when absent. */
    static Long number(String value) {
        return value == null || value.isEmpty() ? null : Long.valueOf(value);
    }

    static Boolean bool(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asBoolean();
    }

    /** A nested value as compact JSON text; null when absent. */
    static String json(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.toString();
    }

    static String json(JsonNode node, String field) {
        return json(node.get(field));
    }

    /** Tags given as [{"Key": k, "Value": v}] (or key/value) as one JSON object text; "{}" when none. */
    static String tags(JsonNode list) {
        ObjectNode tags = JsonNodeFactory.instance.objectNode();
        if (list != null && list.isArray()) {
            for (JsonNode tag : list) {
                // Key/Value (most services), key/value (ECS), TagKey/TagValue (KMS)
                String key = first(tag, "Key", "key", "TagKey");
                String value = first(tag, "Value", "value", "TagValue");
                if (key != null) {
                    tags.put(key, value == null ? "" : value);
                }
            }
        } else if (list != null && list.isObject()) {
            return list.toString();
        }
        return tags.toString();
    }

    private static String first(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull()) {
                return value.asText();
            }
        }
        return null;
    }

    /**
     * A policy document as compact JSON. IAM answers policy documents URL-encoded; others as plain JSON text.
     * Text that is not JSON is kept as a JSON string, never dropped.
     */
    static String policy(String document, boolean urlEncoded) {
        if (document == null || document.isEmpty()) {
            return null;
        }
        // URLDecoder would read a raw "+" as a space; percent-encoding keeps a real "+" as %2B.
        String text = urlEncoded ? URLDecoder.decode(document.replace("+", "%2B"), StandardCharsets.UTF_8) : document;
        try {
            return Json.mapper().readTree(text).toString();
        } catch (JsonProcessingException e) {
            return JsonNodeFactory.instance.textNode(text).toString();
        }
    }
}

package dev.sliceflow.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sliceflow.core.InvalidInputException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The JSON types of a sync request, checked on the parsed tree before it is bound, exactly as
 * docs/schemas/sync-request.schema.json states them. Jackson alone would coerce: {@code "0"} and {@code 0.0} to the
 * integer 0, {@code 7} to the string "7", an epoch number to an Instant. A request whose types are wrong was written
 * by something that misunderstands the format, so it is refused, naming the field, the type expected and what came.
 */
final class SyncRequestShape {
    /** RFC 3339 date-time, as the schema's {@code "format": "date-time"}: a date, T, a time, Z or an offset. */
    private static final Pattern DATE_TIME = Pattern.compile(
            "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})");

    /** What a field must hold. */
    private sealed interface Type {
    }

    private record Text() implements Type {
    }

    private record Choice(List<String> values) implements Type {
    }

    private record Whole(long min, long max) implements Type {
    }

    private record Timestamp() implements Type {
    }

    private record TextList() implements Type {
    }

    private record TextMap() implements Type {
    }

    private record Fields(String what, Map<String, Type> fields) implements Type {
    }

    private static final Fields SOURCE = new Fields("source", ordered(
            "kind", new Text(),
            "options", new TextMap()));

    private static final Fields CSV = new Fields("csv", ordered(
            "compression", new Choice(List.of("gzip", "none")),
            "gzipLevel", new Whole(1, 9),
            "partSizeBytes", new Whole(CsvOptions.MIN_PART_SIZE, CsvOptions.MAX_PART_SIZE)));

    static final Fields REQUEST = new Fields("a sync request", ordered(
            "version", new Whole(SyncRequest.VERSION, SyncRequest.VERSION),
            "syncId", new Text(),
            "syncTime", new Timestamp(),
            "source", SOURCE,
            "account", new Text(),
            "region", new Text(),
            "tables", new TextList(),
            "skipTables", new TextList(),
            "writeMode", new Choice(List.of("replace", "append")),
            "csv", CSV,
            "seq", new Whole(0, SyncRequest.MAX_SEQ)));

    private SyncRequestShape() {
    }

    /**
     * Checks every field's JSON type and rewrites {@code syncTime} to its UTC form ({@code Instant#toString}), the one
     * form the binder reads, so no second date parser can read it differently.
     *
     * @throws InvalidInputException naming the first field that breaks the schema
     */
    static void check(JsonNode root) {
        if (!root.isObject()) {
            throw new InvalidInputException("a sync request is a JSON object, got " + describe(root));
        }
        checkFields("", REQUEST, (ObjectNode) root);
    }

    private static void checkFields(String prefix, Fields type, ObjectNode object) {
        for (Map.Entry<String, JsonNode> entry : List.copyOf(object.properties())) {
            String name = prefix + entry.getKey();
            Type expected = type.fields().get(entry.getKey());
            if (expected == null) {
                throw new InvalidInputException("unknown field " + quote(name) + ": the fields of " + type.what()
                        + " are " + String.join(", ", type.fields().keySet()));
            }
            JsonNode value = entry.getValue();
            switch (expected) {
                case Text t -> {
                    if (!value.isTextual()) {
                        throw wrongType(name, "a string", value);
                    }
                }
                case Choice c -> {
                    if (!value.isTextual() || !c.values().contains(value.textValue())) {
                        throw wrongType(name, "one of \"" + String.join("\", \"", c.values()) + "\"", value);
                    }
                }
                case Whole w -> checkWhole(name, w, value);
                case Timestamp t -> object.put(entry.getKey(), instant(name, value).toString());
                case TextList t -> {
                    if (!value.isArray()) {
                        throw wrongType(name, "an array of strings", value);
                    }
                    for (int i = 0; i < value.size(); i++) {
                        if (!value.get(i).isTextual()) {
                            throw wrongType(name + "[" + i + "]", "a string", value.get(i));
                        }
                    }
                }
                case TextMap t -> {
                    if (!value.isObject()) {
                        throw wrongType(name, "an object of strings", value);
                    }
                    for (Map.Entry<String, JsonNode> option : value.properties()) {
                        if (!option.getValue().isTextual()) {
                            throw wrongType(name + "." + option.getKey(), "a string", option.getValue());
                        }
                    }
                }
                case Fields f -> {
                    if (!value.isObject()) {
                        throw wrongType(name, "an object", value);
                    }
                    checkFields(name + ".", f, (ObjectNode) value);
                }
            }
        }
    }

    /** An integer is written as one: 6, never 6.0, 6e0 or "6" (the schema's integer, without its number model's 6.0). */
    private static void checkWhole(String name, Whole range, JsonNode value) {
        String expected = range.min() == range.max() ? "the integer " + range.min() : "an integer";
        if (!value.isIntegralNumber()) {
            throw wrongType(name, expected, value);
        }
        if (!value.canConvertToLong() || value.longValue() < range.min() || value.longValue() > range.max()) {
            throw new InvalidInputException("field " + quote(name) + ": " + (range.min() == range.max()
                    ? "expected " + expected + ", got " + value.asText()
                    : value.asText() + " is out of range: must be " + range.min() + ".." + range.max()));
        }
    }

    private static Instant instant(String name, JsonNode value) {
        String expected = "an RFC 3339 date-time string such as \"2026-11-25T09:00:00Z\"";
        if (!value.isTextual() || !DATE_TIME.matcher(value.textValue()).matches()) {
            throw wrongType(name, expected, value);
        }
        try {
            return OffsetDateTime.parse(value.textValue().toUpperCase(Locale.ROOT)).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("field " + quote(name) + ": " + describe(value)
                    + " is not a date-time: " + e.getMessage().replaceFirst("^Text '.*' could not be parsed: ", ""));
        }
    }

    private static InvalidInputException wrongType(String name, String expected, JsonNode value) {
        return new InvalidInputException("field " + quote(name) + ": expected " + expected + ", got "
                + describe(value));
    }

    /** What was sent, as a user would name it: the string "0", the number 0.0, true, null, an object. */
    static String describe(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "the string " + quote(value.textValue());
            case NUMBER -> "the number " + value.asText();
            case BOOLEAN -> "the boolean " + value.asText();
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> value.getNodeType().toString().toLowerCase(Locale.ROOT);
        };
    }

    /** JSON-style quoting with control characters escaped and long values cut, so a hostile value stays one line. */
    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        int limit = Math.min(text.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append(text.length() > limit ? "...\"" : "\"").toString();
    }

    private static Map<String, Type> ordered(Object... pairs) {
        Map<String, Type> fields = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            fields.put((String) pairs[i], (Type) pairs[i + 1]);
        }
        return fields;
    }
}

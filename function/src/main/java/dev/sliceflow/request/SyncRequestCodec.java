package dev.sliceflow.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Json;

/**
 * Sync requests to and from their JSON (docs/sync-request.md). Parsing is strict: the JSON types are exactly the
 * schema's (no coercion of "0" to 0 or 7 to "7"), a key given twice or text after the document is refused.
 */
public final class SyncRequestCodec {
    /** Two readers of one message must never see two different requests: no duplicate keys, nothing trailing. */
    private static final ObjectReader TREE = Json.mapper().reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SyncRequestCodec() {
    }

    /**
     * @throws InvalidInputException saying what is wrong: not JSON, another kind of message, an unknown or missing
     *                               field, a field of the wrong JSON type, a value that breaks its rule
     */
    public static SyncRequest parse(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidInputException("sync request is empty");
        }
        JsonNode root;
        try {
            root = TREE.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("sync request is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new InvalidInputException("sync request is JSON null");
        }
        try {
            MisdirectedMessages.recognise(root).ifPresent(what -> {
                throw new InvalidInputException(what);
            });
            SyncRequestShape.check(root);
            return Json.mapper().treeToValue(root, SyncRequest.class);
        } catch (JsonMappingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidInputException invalid) {
                    throw new InvalidInputException("invalid sync request: " + invalid.getMessage(), e);
                }
            }
            throw new InvalidInputException("invalid sync request: " + e.getOriginalMessage() + pathOf(e), e);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid sync request: " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("invalid sync request: " + e.getOriginalMessage(), e);
        }
    }

    public static String toJson(SyncRequest request) {
        try {
            return Json.mapper().writeValueAsString(request);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise sync request " + request.syncId(), e);
        }
    }

    private static String pathOf(JsonMappingException e) {
        String path = e.getPathReference();
        return path == null || path.isEmpty() ? "" : " (at " + path.replaceAll("dev\\.sliceflow\\.request\\.", "") + ")";
    }
}

package dev.sliceflow.request;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Json;

/** Sync requests to and from their JSON (docs/sync-request.md). */
public final class SyncRequestCodec {
    private SyncRequestCodec() {
    }

    /**
     * @throws InvalidInputException saying what is wrong: not JSON, an unknown or missing field, a value that breaks
     *                               its rule
     */
    public static SyncRequest parse(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidInputException("sync request is empty");
        }
        try {
            SyncRequest request = Json.mapper().readValue(json, SyncRequest.class);
            if (request == null) {
                throw new InvalidInputException("sync request is JSON null");
            }
            return request;
        } catch (JsonMappingException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InvalidInputException invalid) {
                    throw new InvalidInputException("invalid sync request: " + invalid.getMessage(), e);
                }
            }
            throw new InvalidInputException("invalid sync request: " + e.getOriginalMessage() + pathOf(e), e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("sync request is not valid JSON: " + e.getOriginalMessage(), e);
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

package dev.sliceflow.request;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Recognises the documents that reach the sync queue by mistake, so the reason says what was sent and where it
 * belongs instead of "syncId is missing".
 */
final class MisdirectedMessages {
    private static final String SYNC_QUEUE = "; the sync queue takes sync requests, see docs/sync-request.md";

    private MisdirectedMessages() {
    }

    /** @return what the document is and where it belongs, when it is one of pipeline's other documents */
    static Optional<String> recognise(JsonNode root) {
        if (!root.isObject()) {
            return Optional.empty();
        }
        JsonNode first = root.path("Records").path(0);
        if (first.isObject()) {
            if (first.has("s3") || "aws:s3".equals(first.path("eventSource").asText())) {
                return Optional.of("this is an S3 event notification (Records[].s3), which belongs on the load queue"
                        + SYNC_QUEUE);
            }
            if ("aws:sqs".equals(first.path("eventSource").asText())) {
                return Optional.of("this is a Lambda SQS event (Records[].body), which is what the worker receives,"
                        + " not what it is sent: send a record's body alone, or run `sliceflow invoke worker --event"
                        + " FILE`" + SYNC_QUEUE);
            }
        }
        if ("s3:TestEvent".equals(root.path("Event").asText())) {
            return Optional.of("this is S3's s3:TestEvent notification, which belongs on the load queue" + SYNC_QUEUE);
        }
        if (root.has("formatVersion") && root.has("tables")) {
            return Optional.of("this is a manifest (formatVersion, tables): the worker writes manifests to S3 under"
                    + " manifests/, and S3's event for one belongs on the load queue" + SYNC_QUEUE);
        }
        if (root.has("accounts")) {
            return Optional.of("this is a sync spec (accounts, regions): plan it with `sliceflow enqueue --spec FILE`"
                    + " or the scheduled planner, which send one sync request per slice" + SYNC_QUEUE
                    + " and docs/sync-spec.md");
        }
        return Optional.empty();
    }
}

package dev.sliceflow.lake.packaging;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.runtime.Settings;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Runs in a fresh JVM whose class path is the shaded lake loader jar (and this class), configured by environment
 * variables as Lambda configures the function. {@code loader BUCKET KEY}: the handler's no-arg constructor (as Lambda
 * builds it), then one SQS record of the manifest's S3 event, loaded into the Glue-catalogued lake; {@code bare}: the
 * same S3 client built from the same settings, then one PutObject, the floor a handler cannot go under. Prints
 * {@code committed} when done and halts, as Lambda freezes the process there.
 */
public final class LakeLoaderColdStartProbe {
    private LakeLoaderColdStartProbe() {
    }

    public static void main(String[] args) {
        switch (args[0]) {
            case "loader" -> {
                LoaderHandler handler = new LoaderHandler();
                SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                message.setMessageId("coldstart");
                // the notification as S3 sends it: the key URL-encoded
                message.setBody("{\"Records\":[{\"eventVersion\":\"2.1\",\"eventSource\":\"aws:s3\","
                        + "\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"" + args[1]
                        + "\"},\"object\":{\"key\":\"" + URLEncoder.encode(args[2], StandardCharsets.UTF_8)
                        + "\"}}}]}");
                message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(message));
                SQSBatchResponse response = handler.handleRequest(event, null);
                if (!response.getBatchItemFailures().isEmpty()) {
                    System.out.println("the manifest was not loaded");
                    System.exit(1);
                }
            }
            case "bare" -> {
                Settings settings = Settings.fromEnvironment();
                settings.clients().s3().putObject(b -> b.bucket(settings.bucket()).key("coldstart/bare.txt"),
                        RequestBody.fromString("x"));
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.out.println("committed");
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}

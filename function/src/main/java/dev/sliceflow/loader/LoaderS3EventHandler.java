package dev.sliceflow.loader;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;

/**
 * The loader invoked directly by S3 (no queue): same logic as {@link LoaderHandler}. A retryable failure is thrown, so
 * Lambda's asynchronous retries (and its on-failure destination) apply. Prefer the queue: it caps the warehouse's load.
 */
public final class LoaderS3EventHandler implements RequestHandler<S3Event, String> {
    private final ManifestLoader loader;

    public LoaderS3EventHandler() {
        this(Settings.fromEnvironment());
    }

    public LoaderS3EventHandler(Settings settings) {
        this(CompositionRoot.loader(settings));
    }

    LoaderS3EventHandler(ManifestLoader loader) {
        this.loader = loader;
    }

    @Override
    public String handleRequest(S3Event event, Context context) {
        int loaded = 0;
        for (S3EventNotification.S3EventNotificationRecord record : event.getRecords()) {
            if (record.getEventName() == null || !record.getEventName().startsWith("ObjectCreated:")) {
                continue;
            }
            String bucket = record.getS3().getBucket().getName();
            String key = record.getS3().getObject().getUrlDecodedKey();
            String original = S3Notifications.of(bucket, key, record.getEventName());
            if (loader.load(bucket, key, original) == ManifestLoader.Outcome.LOADED) {
                loaded++;
            }
        }
        return "loaded " + loaded;
    }
}

package dev.sliceflow.planner;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sliceflow.core.Json;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.staging.Uploader;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Starts a sync: plan it, write the plan (what status compares against), enqueue one message per slice, then mark
 * the sync enqueued. Running it again for the same sync id does nothing unless forced; if it stopped half way, running
 * it again sends every slice again, which the commit protocol absorbs (a slice loads once).
 */
public final class SyncLauncher {
    private final Planner planner;
    private final Uploader uploader;
    private final S3Client s3;
    private final String bucket;
    private final SqsEnqueuer enqueuer;

    public SyncLauncher(Planner planner, Uploader uploader, S3Client s3, String bucket, SqsEnqueuer enqueuer) {
        this.planner = planner;
        this.uploader = uploader;
        this.s3 = s3;
        this.bucket = bucket;
        this.enqueuer = enqueuer;
    }

    /**
     * @param alreadyEnqueued true when the sync id had been enqueued before and nothing was sent
     */
    public record Launch(Plan plan, long sent, boolean alreadyEnqueued) {
    }

    public Launch launch(SyncSpec spec, Instant syncTime, Optional<String> syncId, String queueUrl, boolean force,
                         LongConsumer progress) {
        Plan plan = planner.plan(spec, syncTime, syncId);
        String marker = enqueuedKey(plan.syncId());
        if (!force && exists(marker)) {
            return new Launch(plan, 0, true);
        }
        uploader.put(ObjectLayout.planKey(plan.syncId()), json(plan), "application/json");
        long sent = enqueuer.enqueue(queueUrl, plan.requests(), progress);
        uploader.put(marker, json(Map.of("syncId", plan.syncId(), "messages", sent,
                "enqueuedAt", Instant.now().toString())), "application/json");
        return new Launch(plan, sent, false);
    }

    public static String enqueuedKey(String syncId) {
        return ObjectLayout.planKey(syncId).replace("plan.json", "enqueued.json");
    }

    private boolean exists(String key) {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static byte[] json(Object value) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }
}

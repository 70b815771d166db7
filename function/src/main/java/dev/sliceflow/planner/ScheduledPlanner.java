package dev.sliceflow.planner;

import dev.sliceflow.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/** Reads a spec from the bucket, then launches a sync at the scheduled time (or now, without one). */
public final class ScheduledPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduledPlanner.class);
    public static final String SPECS_PREFIX = "specs/";

    private final SyncLauncher launcher;
    private final S3Client s3;
    private final String bucket;
    private final String queueUrl;
    private final Clock clock;

    public ScheduledPlanner(SyncLauncher launcher, S3Client s3, String bucket, String queueUrl, Clock clock) {
        this.launcher = launcher;
        this.s3 = s3;
        this.bucket = bucket;
        this.queueUrl = queueUrl;
        this.clock = clock;
    }

    private java.time.Instant scheduledTime(Object value) {
        if (value == null) {
            return clock.instant();
        }
        try {
            return java.time.Instant.parse(value.toString());
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidInputException("planner input \"scheduledTime\" is not an ISO-8601 instant: " + value, e);
        }
    }

    /**
     * @param input {@code specKey} (required, under specs/), {@code syncId} (optional), {@code scheduledTime}
     *              (optional: the EventBridge event's time; the sync's time then, so a retried or redelivered
     *              invocation plans the same sync id and sends nothing twice)
     * @return syncId, slices, sent, alreadyEnqueued
     */
    public Map<String, Object> run(Map<String, Object> input) {
        Object specKey = input == null ? null : input.get("specKey");
        if (!(specKey instanceof String key) || !key.startsWith(SPECS_PREFIX) || key.contains("..")) {
            throw new InvalidInputException("planner input needs \"specKey\": a key under " + SPECS_PREFIX
                    + " in s3://" + bucket + ", got " + specKey);
        }
        String yaml;
        try {
            yaml = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
        } catch (NoSuchKeyException e) {
            throw new InvalidInputException("sync spec s3://" + bucket + "/" + key + " does not exist", e);
        }
        SyncSpec spec = SyncSpecParser.parse(key, yaml);
        Optional<String> syncId = Optional.ofNullable(input.get("syncId")).map(Object::toString);
        java.time.Instant syncTime = scheduledTime(input.get("scheduledTime"));
        SyncLauncher.Launch launch = launcher.launch(spec, syncTime, syncId, queueUrl, false, sent -> { });
        LOG.info("sync launched: syncId={} spec={} slices={} sent={} alreadyEnqueued={}", launch.plan().syncId(), key,
                launch.plan().slices(), launch.sent(), launch.alreadyEnqueued());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("syncId", launch.plan().syncId());
        result.put("slices", launch.plan().slices());
        result.put("sent", launch.sent());
        result.put("alreadyEnqueued", launch.alreadyEnqueued());
        return result;
    }
}

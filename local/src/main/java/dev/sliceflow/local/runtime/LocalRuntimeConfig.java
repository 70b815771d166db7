package dev.sliceflow.local.runtime;

import dev.sliceflow.staging.ObjectLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * What the local runtime starts, mirroring the CDK stack: one staging bucket notifying the load queue of new
 * manifests, a sync queue and a load queue, each with a dead-letter queue after {@code maxReceiveCount} receives.
 *
 * @param dir                    where data lives ({@code s3/}, {@code work/}, {@code warehouse.duckdb}); empty: S3 in
 *                               memory and no work dir or warehouse set
 * @param s3Port                 s3proxy's port, 0 for a free one
 * @param sqsPort                ElasticMQ's port, 0 for a free one
 * @param region                 the region everything claims to be in
 * @param bucket                 the staging bucket
 * @param queuePrefix            queues are {@code <prefix>-sync}, {@code -sync-dlq}, {@code -load}, {@code -load-dlq}
 * @param syncVisibilityTimeout  the sync queue's visibility timeout: a failed slice is retried after it
 * @param loadVisibilityTimeout  the load queue's visibility timeout
 * @param maxReceiveCount        receives before a message moves to its dead-letter queue
 * @param manifestPrefix         the notification's key prefix filter
 * @param manifestSuffix         the notification's key suffix filter
 * @param credentials            the fixed local keys
 * @param persistentQueues       keep the queues and their messages in {@code <dir>/sqs}, so that what was queued or
 *                               in flight when the runtime stopped is delivered after a restart (needs a dir)
 */
public record LocalRuntimeConfig(Optional<Path> dir, int s3Port, int sqsPort, String region, String bucket,
                                 String queuePrefix, Duration syncVisibilityTimeout, Duration loadVisibilityTimeout,
                                 int maxReceiveCount, String manifestPrefix, String manifestSuffix,
                                 LocalCredentials credentials, boolean persistentQueues) {

    public static final String DEFAULT_BUCKET = "sliceflow-staging";
    public static final String DEFAULT_QUEUE_PREFIX = "sliceflow";

    /**
     * Defaults: free ports, us-east-1, bucket {@value #DEFAULT_BUCKET}, queues {@code sliceflow-*}, visibility 15 min
     * on the sync queue (the worker's timeout, so a running slice is never delivered twice) and 6 min on the load
     * queue (the loader's 5 min timeout plus its batching window, with room), maxReceiveCount 5, the manifest filter
     * of the stack.
     */
    public static LocalRuntimeConfig defaults(Optional<Path> dir) {
        return new LocalRuntimeConfig(dir, 0, 0, "us-east-1", DEFAULT_BUCKET, DEFAULT_QUEUE_PREFIX,
                Duration.ofMinutes(15), Duration.ofMinutes(6), 5, ObjectLayout.MANIFESTS_PREFIX,
                ObjectLayout.MANIFEST_SUFFIX, LocalCredentials.DEFAULT, false);
    }

    public LocalRuntimeConfig withPorts(int s3, int sqs) {
        return new LocalRuntimeConfig(dir, s3, sqs, region, bucket, queuePrefix, syncVisibilityTimeout,
                loadVisibilityTimeout, maxReceiveCount, manifestPrefix, manifestSuffix, credentials, persistentQueues);
    }

    public LocalRuntimeConfig withVisibilityTimeouts(Duration sync, Duration load) {
        return new LocalRuntimeConfig(dir, s3Port, sqsPort, region, bucket, queuePrefix, sync, load,
                maxReceiveCount, manifestPrefix, manifestSuffix, credentials, persistentQueues);
    }

    public LocalRuntimeConfig withNames(String bucketName, String prefix) {
        return new LocalRuntimeConfig(dir, s3Port, sqsPort, region, bucketName, prefix, syncVisibilityTimeout,
                loadVisibilityTimeout, maxReceiveCount, manifestPrefix, manifestSuffix, credentials, persistentQueues);
    }

    public LocalRuntimeConfig withMaxReceiveCount(int count) {
        return new LocalRuntimeConfig(dir, s3Port, sqsPort, region, bucket, queuePrefix, syncVisibilityTimeout,
                loadVisibilityTimeout, count, manifestPrefix, manifestSuffix, credentials, persistentQueues);
    }

    /** Queues and messages kept in {@code <dir>/sqs} across restarts (only with a dir). */
    public LocalRuntimeConfig withPersistentQueues(boolean persistent) {
        if (persistent && dir.isEmpty()) {
            throw new IllegalArgumentException("persistent queues need a directory to keep them in");
        }
        return new LocalRuntimeConfig(dir, s3Port, sqsPort, region, bucket, queuePrefix, syncVisibilityTimeout,
                loadVisibilityTimeout, maxReceiveCount, manifestPrefix, manifestSuffix, credentials, persistent);
    }

    /** Where the queues are kept, when they are. */
    public Optional<Path> queueStorage() {
        return persistentQueues ? dir.map(d -> d.resolve("sqs")) : Optional.empty();
    }
}

package dev.sliceflow.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.constructs.Construct;

/**
 * The staging bucket: CSV parts under data/, manifests under manifests/, each sync's plan and enqueued marker under
 * syncs/, the sync specs the planner reads under specs/ (the object layout is documented in docs/). Private,
 * encrypted, TLS only; staged objects expire, because the warehouse, not the bucket, is the system of record; specs
 * are configuration and never expire. The bucket itself is retained on stack deletion (it may hold data nobody
 * loaded yet).
 */
public final class StagingBucket extends Construct {
    /** Prefix of the CSV parts the worker writes. */
    public static final String DATA_PREFIX = "data/";
    /** Prefix of the manifests that commit a slice; their creation triggers a load. */
    public static final String MANIFESTS_PREFIX = "manifests/";
    /** Prefix of each sync's plan.json and enqueued.json, written by the planner. */
    public static final String SYNCS_PREFIX = "syncs/";
    /** Prefix of the sync specs (YAML) that the planner reads; put there by an operator, never expired. */
    public static final String SPECS_PREFIX = "specs/";

    private final Bucket bucket;

    public StagingBucket(Construct scope, String id, int expiryDays) {
        super(scope, id);
        bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(false)
                .removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(List.of(
                        expire("expire-data", DATA_PREFIX, expiryDays),
                        expire("expire-manifests", MANIFESTS_PREFIX, expiryDays),
                        // A plan is only useful while its sync's parts and manifests exist; its enqueued.json marker
                        // makes a re-run with the same sync id a no-op, which is moot once the data has expired.
                        expire("expire-syncs", SYNCS_PREFIX, expiryDays),
                        // A worker killed mid-upload leaves a multipart upload behind: it costs storage until aborted.
                        LifecycleRule.builder().id("abort-incomplete-uploads")
                                .abortIncompleteMultipartUploadAfter(Duration.days(1)).build()))
                .build();
        NagFindings.acknowledge(bucket, "AwsSolutions-S1",
                "No server access logs: the bucket only stages objects that expire after " + expiryDays
                        + " days (and holds the few sync specs under specs/), written and read only by this stack's"
                        + " function roles, and access logs would add a log object per request: thousands per sync."
                        + " Where an audit trail of object access is required, enable CloudTrail S3 data events for"
                        + " the bucket instead.");
    }

    public IBucket bucket() {
        return bucket;
    }

    private static LifecycleRule expire(String id, String prefix, int days) {
        return LifecycleRule.builder().id(id).prefix(prefix).expiration(Duration.days(days)).build();
    }
}

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
 * syncs/, the sync specs the planner reads under specs/ (the object layout is documented in docs/), and, when the
 * destination is the lake, the lake's Iceberg tables under lake/ and Athena's query results under athena-results/.
 * Private, encrypted, TLS only; staged objects expire, because the destination, not the staging area, is the system
 * of record; specs are configuration and the lake is a destination: no rule expires either (Iceberg's snapshot
 * expiry decides what of the lake is deleted). Athena's results expire like staged objects. The bucket itself is
 * retained on stack deletion (it may hold data nobody loaded yet, and the lake).
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
    /** Prefix of the lake's Iceberg tables (data, manifests, metadata): never expired by the bucket. */
    public static final String LAKE_PREFIX = "lake/";
    /** Prefix of the Athena workgroup's query results: transient, they expire like staged objects. */
    public static final String ATHENA_RESULTS_PREFIX = "athena-results/";

    private final Bucket bucket;

    public StagingBucket(Construct scope, String id, int expiryDays, boolean lake) {
        super(scope, id);
        List<LifecycleRule> rules = new java.util.ArrayList<>(List.of(
                expire("expire-data", DATA_PREFIX, expiryDays),
                expire("expire-manifests", MANIFESTS_PREFIX, expiryDays),
                // A plan is only useful while its sync's parts and manifests exist; its enqueued.json marker
                // makes a re-run with the same sync id a no-op, which is moot once the data has expired.
                expire("expire-syncs", SYNCS_PREFIX, expiryDays),
                // A worker killed mid-upload leaves a multipart upload behind: it costs storage until aborted.
                LifecycleRule.builder().id("abort-incomplete-uploads")
                        .abortIncompleteMultipartUploadAfter(Duration.days(1)).build()));
        if (lake) {
            rules.add(expire("expire-athena-results", ATHENA_RESULTS_PREFIX, expiryDays));
        }
        bucket = Bucket.Builder.create(this, "Bucket")
                .encryption(BucketEncryption.S3_MANAGED)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .enforceSsl(true)
                .versioned(false)
                .removalPolicy(RemovalPolicy.RETAIN)
                .lifecycleRules(rules)
                .build();
        NagFindings.acknowledge(bucket, "AwsSolutions-S1",
                "No server access logs: the bucket stages objects that expire after " + expiryDays
                        + " days (and holds the few sync specs under specs/, and with the lake its Iceberg files under"
                        + " lake/), written and read only by this stack's function roles and Athena's users, and"
                        + " access logs would add a log object per request: thousands per sync."
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

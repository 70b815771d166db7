package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * S3 buckets. The bucket list is global (one ListBuckets per account, in the global region slice); each bucket's
 * details come from its sub-resources. A sub-resource that is not configured (NoSuch...Configuration) is NULL; one
 * that cannot be read (AccessDenied from a bucket policy, NotImplemented from an S3-compatible store, a bucket deleted
 * meanwhile) is NULL too, with the reason in the row's {@code sub_errors}, so one unreadable bucket never fails the
 * table. Only ListBuckets failing fails it. Buckets are read {@value #BUCKET_CONCURRENCY} at a time, each in its
 * own region, and emitted in ListBuckets order.
 */
final class S3Tables {
    private S3Tables() {
    }

    static final AwsTable BUCKETS = AwsTable.builder("aws_s3_buckets")
            .required("arn", STRING)
            .required("name", STRING)
            .column("bucket_region", STRING)
            .column("created_at", TIMESTAMP)
            .column("versioning_status", STRING)
            .column("mfa_delete", STRING)
            .column("encryption", JSON)
            .column("public_access_block", JSON)
            .column("policy_is_public", BOOLEAN)
            .column("policy", JSON)
            .column("logging", JSON)
            .column("lifecycle_rules", JSON)
            .column("replication", JSON)
            .column("object_ownership", STRING)
            .column("tags", JSON)
            .column("sub_errors", JSON)
            .key("arn")
            .global()
            .permissions("s3:ListAllMyBuckets", "s3:GetBucketLocation", "s3:GetBucketVersioning",
                    "s3:GetEncryptionConfiguration", "s3:GetBucketPublicAccessBlock", "s3:GetBucketPolicyStatus",
                    "s3:GetBucketPolicy", "s3:GetBucketLogging", "s3:GetLifecycleConfiguration",
                    "s3:GetReplicationConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketTagging")
            .scanner(S3Tables::buckets);

    /** Buckets whose sub-resources are read at once: eleven calls per bucket, thousands of buckets per account. */
    static final int BUCKET_CONCURRENCY = 8;

    private static void buckets(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        S3Client s3 = slice.s3();
        String partition = AwsService.Partition.of(slice.region()).arn();
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(
                BUCKET_CONCURRENCY, r -> {
                    Thread thread = new Thread(r, "sliceflow-aws-s3-" + n.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        // A sliding window of bucket detail reads, emitted in ListBuckets order: bounded memory, ordered rows.
        ArrayDeque<Future<Object[]>> window = new ArrayDeque<>();
        try {
            for (Bucket bucket : s3.listBucketsPaginator(b -> b.maxBuckets(1000)).buckets()) {
                window.add(pool.submit(() -> details(slice, partition, bucket)));
                if (window.size() >= 4 * BUCKET_CONCURRENCY) {
                    emit(window.poll(), rows);
                }
            }
            while (!window.isEmpty()) {
                emit(window.poll(), rows);
            }
        } finally {
            window.forEach(f -> f.cancel(true));
            pool.shutdownNow();
        }
    }

    private static void emit(Future<Object[]> future, AwsTable.Rows rows) throws Exception {
        Object[] values;
        try {
            values = future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        for (int i = 0; i < COLUMNS.length; i++) {
            rows.set(COLUMNS[i], values[i]);
        }
        rows.emit();
    }

    private static final String[] COLUMNS = {"arn", "name", "bucket_region", "created_at", "versioning_status",
            "mfa_delete", "encryption", "public_access_block", "policy_is_public", "policy", "logging", "lifecycle_rules",
            "replication", "object_ownership", "tags", "sub_errors"};

    /** One bucket's columns, in {@link #COLUMNS} order. */
    private static Object[] details(AwsSlice slice, String partition, Bucket bucket) {
        String name = bucket.name();
        ObjectNode errors = JsonNodeFactory.instance.objectNode();
        String region = bucket.bucketRegion();
        if (region == null || region.isEmpty()) {
            region = sub(errors, "location", () -> {
                String location = slice.s3().getBucketLocation(b -> b.bucket(name)).locationConstraintAsString();
                // An empty constraint is us-east-1; "EU" is the legacy name of eu-west-1.
                return location == null || location.isEmpty() ? "us-east-1"
                        : "EU".equals(location) ? "eu-west-1" : location;
            });
        }
        S3Client s3 = region == null ? slice.s3() : slice.s3(region);
        var versioning = sub(errors, "versioning", () -> s3.getBucketVersioning(b -> b.bucket(name)));
        String encryption = sub(errors, "encryption", () -> {
            var rules = s3.getBucketEncryption(b -> b.bucket(name)).serverSideEncryptionConfiguration().rules();
            var array = JsonNodeFactory.instance.arrayNode();
            for (ServerSideEncryptionRule rule : rules) {
                ObjectNode r = array.addObject();
                if (rule.applyServerSideEncryptionByDefault() != null) {
                    r.put("sse_algorithm", rule.applyServerSideEncryptionByDefault().sseAlgorithmAsString());
                    r.put("kms_master_key_id", rule.applyServerSideEncryptionByDefault().kmsMasterKeyID());
                }
                r.put("bucket_key_enabled", rule.bucketKeyEnabled());
            }
            return array.toString();
        });
        String publicAccess = sub(errors, "public_access_block", () -> {
            PublicAccessBlockConfiguration c = s3.getPublicAccessBlock(b -> b.bucket(name))
                    .publicAccessBlockConfiguration();
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("block_public_acls", c.blockPublicAcls());
            o.put("ignore_public_acls", c.ignorePublicAcls());
            o.put("block_public_policy", c.blockPublicPolicy());
            o.put("restrict_public_buckets", c.restrictPublicBuckets());
            return o.toString();
        });
        Boolean policyPublic = sub(errors, "policy_status",
                () -> s3.getBucketPolicyStatus(b -> b.bucket(name)).policyStatus().isPublic());
        String policy = sub(errors, "policy", () -> Values.policy(s3.getBucketPolicy(b -> b.bucket(name)).policy(),
                false));
        String logging = sub(errors, "logging", () -> {
            var enabled = s3.getBucketLogging(b -> b.bucket(name)).loggingEnabled();
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            if (enabled != null) {
                o.put("target_bucket", enabled.targetBucket()).put("target_prefix", enabled.targetPrefix());
            }
            return o.toString(); // {} when logging is off: the answer is there, with no LoggingEnabled
        });
        String lifecycle = sub(errors, "lifecycle_rules", () -> {
            var array = JsonNodeFactory.instance.arrayNode();
            for (var rule : s3.getBucketLifecycleConfiguration(b -> b.bucket(name)).rules()) {
                ObjectNode r = array.addObject().put("id", rule.id()).put("status", rule.statusAsString());
                if (rule.expiration() != null) {
                    r.put("expiration_days", rule.expiration().days());
                }
                if (rule.noncurrentVersionExpiration() != null) {
                    r.put("noncurrent_expiration_days", rule.noncurrentVersionExpiration().noncurrentDays());
                }
                if (rule.abortIncompleteMultipartUpload() != null) {
                    r.put("abort_incomplete_upload_days",
                            rule.abortIncompleteMultipartUpload().daysAfterInitiation());
                }
                var transitions = r.putArray("transitions");
                rule.transitions().forEach(t -> transitions.addObject().put("days", t.days())
                        .put("storage_class", t.storageClassAsString()));
            }
            return array.toString();
        });
        String replication = sub(errors, "replication", () -> {
            var config = s3.getBucketReplication(b -> b.bucket(name)).replicationConfiguration();
            ObjectNode o = JsonNodeFactory.instance.objectNode().put("role", config.role());
            var rules = o.putArray("rules");
            config.rules().forEach(rule -> rules.addObject().put("id", rule.id()).put("status", rule.statusAsString())
                    .put("priority", rule.priority())
                    .put("destination_bucket", rule.destination() == null ? null : rule.destination().bucket()));
            return o.toString();
        });
        String ownership = sub(errors, "object_ownership", () -> {
            var rules = s3.getBucketOwnershipControls(b -> b.bucket(name)).ownershipControls().rules();
            return rules.isEmpty() ? null : rules.get(0).objectOwnershipAsString();
        });
        String tags = sub(errors, "tags", () -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            s3.getBucketTagging(b -> b.bucket(name)).tagSet().forEach(t -> o.put(t.key(), t.value()));
            return o.toString();
        });
        return new Object[] {
            "arn:" + partition + ":s3:::" + name,
            name,
            region,
            bucket.creationDate() == null ? null : bucket.creationDate().truncatedTo(ChronoUnit.MICROS),
            versioning == null ? null : versioning.statusAsString(),
            versioning == null ? null : versioning.mfaDeleteAsString(),
            encryption,
            publicAccess,
            policyPublic,
            policy,
            logging,
            lifecycle,
            replication,
            ownership,
            tags,
            errors.isEmpty() ? null : errors.toString()};
    }

    /** Error codes that mean "this sub-resource is not configured": NULL, no error. */
    private static boolean notConfigured(String code) {
        // NoSuchBucketPolicy, NoSuchLifecycleConfiguration, ReplicationConfigurationNotFoundError,
        // OwnershipControlsNotFoundError, NoSuchTagSet: not configured
        return code != null && (code.startsWith("NoSuch") || code.endsWith("NotFoundError")
                || code.equals("NoSuchTagSet") || code.equals("NoSuchTagSetError"));
    }

    /** One bucket sub-resource: its value, or NULL with the reason recorded when it is not readable. */
    private static <T> T sub(ObjectNode errors, String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (!notConfigured(code) || "NoSuchBucket".equals(code)) {
                errors.put(what, code == null ? "HTTP " + e.statusCode() : code);
            }
            return null;
        } catch (SdkException e) {
            if (e.getCause() instanceof InterruptedException) {
                throw e;
            }
            errors.put(what, e.getClass().getSimpleName() + ": " + e.getMessage());
            return null;
        }
    }
}

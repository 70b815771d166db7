package dev.sliceflow.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.EventType;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.s3.NotificationKeyFilter;
import software.amazon.awscdk.services.s3.notifications.SqsDestination;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * The load queue, fed by the staging bucket's ObjectCreated events for manifests only, and the loader that
 * consumes it with a small concurrency cap (the cap is what protects the warehouse), a batch of manifests at a time
 * (loadBatchSize, gathered for up to loadBatchWindowSeconds), so that many small slices cost about one load. The loader reads the two
 * staging prefixes, sends permanently bad manifests to its DLQ, and reads the warehouse secret when one is set.
 * With the lake as destination it runs the lake loader's jar (the function module plus Iceberg, Parquet and the
 * catalogs) with the lake's URL, and gets the lake's permissions ({@link Lake#grantLoad}).
 */
public final class Loader extends Construct {
    static final String HANDLER = "dev.sliceflow.loader.LoaderHandler::handleRequest";
    /** Only a manifest's creation starts a load: parts under data/ never reach the load queue. */
    static final String MANIFEST_SUFFIX = ".json";

    static final String PLAN_KEYS = StagingBucket.SYNCS_PREFIX + "*/plan.json";

    private final WorkQueue queue;
    private final QueueConsumer consumer;

    public Loader(Construct scope, String id, StackSettings settings, QueueConsumer.Platform platform,
                  IBucket bucket, java.util.Optional<Lake> lake) {
        super(scope, id);
        Duration timeout = Duration.minutes(settings.loaderTimeoutMinutes());
        Duration batchWindow = Duration.seconds(settings.loadBatchWindowSeconds());
        queue = new WorkQueue(this, "LoadQueue", settings.prefix() + "-load", timeout, batchWindow);
        bucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(queue.queue()),
                NotificationKeyFilter.builder().prefix(StagingBucket.MANIFESTS_PREFIX).suffix(MANIFEST_SUFFIX).build());

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLICEFLOW_BUCKET", bucket.getBucketName());
        env.put("SLICEFLOW_LOAD_DLQ_URL", queue.deadLetterQueue().getQueueUrl());
        settings.warehouseUrl().ifPresent(url -> env.put("SLICEFLOW_WAREHOUSE_URL", url));
        lake.ifPresent(l -> env.put("SLICEFLOW_WAREHOUSE_URL", l.warehouseUrl()));
        settings.warehouseSecretArn().ifPresent(arn -> env.put("SLICEFLOW_WAREHOUSE_SECRET_ARN", arn));
        if (settings.deleteRemovedSlices()) {
            env.put("SLICEFLOW_DELETE_REMOVED_SLICES", "true");
        }

        QueueConsumer.Platform loaderPlatform = settings.lake()
                .map(l -> platform.withJar(l.loaderJar().toString())).orElse(platform);
        consumer = new QueueConsumer(this, "Loader", loaderPlatform, new QueueConsumer.Spec(
                settings.prefix() + "-loader", HANDLER, settings.loaderMemoryMb(), timeout,
                settings.loaderMaxConcurrency(), env, settings.vpc(), settings.loadBatchSize(), batchWindow),
                queue.queue());
        settings.vpc().filter(StackSettings.VpcPlacement::endpoints)
                .ifPresent(placement -> new LoaderEndpoints(this, "Endpoints", placement));

        bucket.grantRead(consumer.role(), StagingBucket.DATA_PREFIX + "*");
        bucket.grantRead(consumer.role(), StagingBucket.MANIFESTS_PREFIX + "*");
        // the planner's plan.json of each sync: _sliceflow_sync_status learns from it how many slices to expect
        bucket.grantRead(consumer.role(), PLAN_KEYS);
        queue.deadLetterQueue().grantSendMessages(consumer.role());
        settings.warehouseSecretArn().ifPresent(arn ->
                Secret.fromSecretCompleteArn(this, "WarehouseSecret", arn).grantRead(consumer.role()));
        lake.ifPresent(l -> l.grantLoad(consumer.role()));

        acknowledgeWildcards(bucket);
    }

    private void acknowledgeWildcards(IBucket bucket) {
        Role role = consumer.role();
        for (String action : List.of("s3:GetObject*", "s3:GetBucket*", "s3:List*")) {
            NagFindings.acknowledge(role, NagFindings.wildcardAction(action),
                    action + " is one of CDK's grantRead action groups (read-only), granted on the staging bucket"
                            + " and its data/* and manifests/* prefixes and syncs/*/plan.json keys only.");
        }
        for (String prefix : List.of(StagingBucket.DATA_PREFIX, StagingBucket.MANIFESTS_PREFIX)) {
            NagFindings.acknowledge(role, NagFindings.wildcardResource(NagFindings.arnOf(bucket) + "/" + prefix + "*"),
                    "The loader reads the parts and manifests that a manifest names, keys made at run time, all"
                            + " under " + prefix + ": the prefix is the narrowest scope there is.");
        }
        NagFindings.acknowledge(role, NagFindings.wildcardResource(NagFindings.arnOf(bucket) + "/" + PLAN_KEYS),
                "The loader reads each sync's plan.json (syncs/sync_id=<id>/plan.json, the id known at run time) and"
                        + " no other object under syncs/.");
    }

    public WorkQueue queue() {
        return queue;
    }

    public QueueConsumer consumer() {
        return consumer;
    }
}

package dev.sliceflow.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The sync queue and the worker that consumes it: one slice per invocation (a slice may run for minutes; a batch
 * would only make one slow slice delay the others). The worker may write only the two
 * staging prefixes, send to its own queue (continuations) and to its DLQ (permanently invalid requests), and,
 * when a role name is configured, assume that role in any account, with the ExternalId when one is configured.
 */
public final class SyncWorker extends Construct {
    static final String HANDLER = "dev.sliceflow.worker.WorkerHandler::handleRequest";

    private final WorkQueue queue;
    private final QueueConsumer consumer;

    public SyncWorker(Construct scope, String id, StackSettings settings, QueueConsumer.Platform platform,
                      IBucket bucket) {
        super(scope, id);
        Duration timeout = Duration.minutes(settings.workerTimeoutMinutes());
        queue = new WorkQueue(this, "SyncQueue", settings.prefix() + "-sync", timeout, Duration.seconds(0));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLICEFLOW_BUCKET", bucket.getBucketName());
        env.put("SLICEFLOW_SYNC_QUEUE_URL", queue.queue().getQueueUrl());
        env.put("SLICEFLOW_SYNC_DLQ_URL", queue.deadLetterQueue().getQueueUrl());
        env.put("SLICEFLOW_DEADLINE_MARGIN_SECONDS", Integer.toString(settings.deadlineMarginSeconds()));
        settings.roleName().ifPresent(name -> env.put("SLICEFLOW_ROLE_NAME", name));
        settings.externalId().ifPresent(externalId -> env.put("SLICEFLOW_EXTERNAL_ID", externalId));

        consumer = new QueueConsumer(this, "Worker", platform, new QueueConsumer.Spec(
                settings.prefix() + "-worker", HANDLER, settings.workerMemoryMb(), timeout,
                settings.workerMaxConcurrency(), env, Optional.empty(), 1, Duration.seconds(0)), queue.queue());

        bucket.grantPut(consumer.role(), StagingBucket.DATA_PREFIX + "*");
        bucket.grantPut(consumer.role(), StagingBucket.MANIFESTS_PREFIX + "*");
        queue.queue().grantSendMessages(consumer.role());
        queue.deadLetterQueue().grantSendMessages(consumer.role());
        settings.roleName().ifPresent(name -> consumer.role().addToPolicy(
                assumeSourceRole(this, name, settings.externalId())));

        acknowledgeWildcards(bucket, settings.roleName());
    }

    private void acknowledgeWildcards(IBucket bucket, Optional<String> roleName) {
        Role role = consumer.role();
        NagFindings.acknowledge(role, NagFindings.wildcardAction("s3:Abort*"),
                "s3:Abort* comes with CDK's grantPut (AbortMultipartUpload, so that a failed multipart upload of a"
                        + " part can be cleaned up); it applies only to the data/* and manifests/* prefixes.");
        for (String prefix : List.of(StagingBucket.DATA_PREFIX, StagingBucket.MANIFESTS_PREFIX)) {
            NagFindings.acknowledge(role, NagFindings.wildcardResource(NagFindings.arnOf(bucket) + "/" + prefix + "*"),
                    "The worker writes keys that exist only at run time (table, sync id, account, region, attempt),"
                            + " all under " + prefix + ": the prefix is the narrowest scope there is.");
        }
        roleName.ifPresent(name -> NagFindings.acknowledge(role,
                NagFindings.wildcardResource("arn:<AWS::Partition>:iam::*:role/" + name),
                "The worker assumes the one configured role name in whichever accounts a sync request lists:"
                        + " the accounts are input, not known at deploy time. The role's own trust policy (and the"
                        + " ExternalId condition when configured) decides who may assume it."));
    }

    /** sts:AssumeRole on the one role name in any account, with the ExternalId condition when configured. */
    static PolicyStatement assumeSourceRole(Construct scope, String roleName, Optional<String> externalId) {
        String anyAccountRole = Stack.of(scope).formatArn(ArnComponents.builder()
                .service("iam").region("").account("*").resource("role").resourceName(roleName).build());
        PolicyStatement.Builder statement = PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("sts:AssumeRole"))
                .resources(List.of(anyAccountRole));
        externalId.ifPresent(value -> statement.conditions(
                Map.of("StringEquals", Map.of("sts:ExternalId", value))));
        return statement.build();
    }

    public WorkQueue queue() {
        return queue;
    }

    public QueueConsumer consumer() {
        return consumer;
    }
}

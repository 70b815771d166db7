package dev.sliceflow.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Acknowledgment;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;

/**
 * The sync queue and the worker that consumes it: one slice per invocation. The worker may write only the two
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
        queue = new WorkQueue(this, "SyncQueue", settings.prefix() + "-sync", timeout);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLICEFLOW_BUCKET", bucket.getBucketName());
        env.put("SLICEFLOW_SYNC_QUEUE_URL", queue.queue().getQueueUrl());
        env.put("SLICEFLOW_SYNC_DLQ_URL", queue.deadLetterQueue().getQueueUrl());
        env.put("SLICEFLOW_DEADLINE_MARGIN_SECONDS", Integer.toString(settings.deadlineMarginSeconds()));
        settings.roleName().ifPresent(name -> env.put("SLICEFLOW_ROLE_NAME", name));
        settings.externalId().ifPresent(externalId -> env.put("SLICEFLOW_EXTERNAL_ID", externalId));

        consumer = new QueueConsumer(this, "Worker", platform, new QueueConsumer.Spec(
                settings.prefix() + "-worker", HANDLER, settings.workerMemoryMb(), timeout,
                settings.workerMaxConcurrency(), env, Optional.empty()), queue.queue());

        bucket.grantPut(consumer.role(), StagingBucket.DATA_PREFIX + "*");
        bucket.grantPut(consumer.role(), StagingBucket.MANIFESTS_PREFIX + "*");
        queue.queue().grantSendMessages(consumer.role());
        queue.deadLetterQueue().grantSendMessages(consumer.role());
        settings.roleName().ifPresent(name -> consumer.role().addToPolicy(assumeSourceRole(name, settings.externalId())));

        Validations.of(consumer.role()).acknowledge(Acknowledgment.builder()
                .id("AwsSolutions-IAM5")
                .reason("Each wildcard is bounded by what it grants: s3:Abort* (CDK's grantPut, so that a killed"
                        + " multipart upload can be aborted) on the staging bucket's data/* and manifests/* prefixes"
                        + " only, whose keys are made at run time per slice; log streams of this function's own log"
                        + " group; and sts:AssumeRole on the one configured role name in any account"
                        + " (arn:aws:iam::*:role/<roleName>): the accounts to sync are the sync request's input,"
                        + " not known at deploy time, and the ExternalId condition applies when configured.")
                .build());
    }

    private PolicyStatement assumeSourceRole(String roleName, Optional<String> externalId) {
        String anyAccountRole = Stack.of(this).formatArn(ArnComponents.builder()
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

package dev.sliceflow.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The reconciler (no lost loads): an EventBridge rule invokes a function every {@value #EVERY_MINUTES} minutes that
 * lists the staging bucket's manifests by sync, asks the warehouse which it has settled, and sends the load events of
 * those committed more than the grace period ago and never settled to the load queue again
 * ({@code dev.sliceflow.loader.ReconcilerHandler}; docs/operations.md, "The reconciler").
 * <p>
 * Its role may list the bucket under manifests/ only (it reads no object), send to the load queue, and read the
 * warehouse secret; it runs where the loader runs (the loader's VPC placement), since it reads the same warehouse.
 * No asynchronous retries and no failure queue: a failed run is simply the next run's work, and the errors alarm says
 * that runs fail.
 */
public final class LoadReconciler extends Construct {
    static final String HANDLER = "dev.sliceflow.loader.ReconcilerHandler::handleRequest";
    static final int EVERY_MINUTES = 30;
    static final Duration TIMEOUT = Duration.minutes(5);
    static final int MEMORY_MB = 512;

    private final Role role;
    private final Function function;
    private final Rule rule;

    public LoadReconciler(Construct scope, String id, StackSettings settings, QueueConsumer.Platform platform,
                          IBucket bucket, IQueue loadQueue, java.util.Optional<Lake> lake, ITopic topic) {
        super(scope, id);
        String functionName = settings.prefix() + "-reconciler";
        role = platform.executionRole(this, functionName);
        LogGroup logGroup = platform.logGroup(this, functionName, role);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLICEFLOW_BUCKET", bucket.getBucketName());
        env.put("SLICEFLOW_LOAD_QUEUE_URL", loadQueue.getQueueUrl());
        settings.warehouseUrl().ifPresent(url -> env.put("SLICEFLOW_WAREHOUSE_URL", url));
        lake.ifPresent(l -> env.put("SLICEFLOW_WAREHOUSE_URL", l.warehouseUrl()));
        settings.warehouseSecretArn().ifPresent(arn -> env.put("SLICEFLOW_WAREHOUSE_SECRET_ARN", arn));

        // No SnapStart and no alias: a schedule's cold start costs nothing that matters.
        Function.Builder builder = Function.Builder.create(this, "Function")
                .functionName(functionName)
                // it opens the destination the loader opens: with the lake, that takes the lake loader's jar
                .code(Code.fromAsset(settings.lake().map(l -> l.loaderJar().toString()).orElse(platform.jar())))
                .handler(HANDLER)
                .runtime(platform.runtime())
                .architecture(platform.architecture())
                .memorySize(MEMORY_MB)
                .timeout(TIMEOUT)
                .retryAttempts(0)
                .role(role)
                .logGroup(logGroup)
                .environment(env);
        platform.apply(builder);
        settings.vpc().ifPresent(placement -> QueueConsumer.placeInVpc(this, builder, role, placement));
        function = builder.build();
        platform.acknowledge(function, role);

        // ListObjectsV2 of manifests/ (by sync prefix) only: no GetObject, no other prefix
        role.addToPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                .actions(List.of("s3:ListBucket"))
                .resources(List.of(bucket.getBucketArn()))
                .conditions(Map.of("StringLike", Map.of("s3:prefix", List.of(StagingBucket.MANIFESTS_PREFIX,
                        StagingBucket.MANIFESTS_PREFIX + "*"))))
                .build());
        loadQueue.grantSendMessages(role);
        settings.warehouseSecretArn().ifPresent(arn ->
                Secret.fromSecretCompleteArn(this, "WarehouseSecret", arn).grantRead(role));
        lake.ifPresent(l -> l.grantRead(role));

        rule = Rule.Builder.create(this, "Schedule")
                .ruleName(functionName)
                .description("Runs " + functionName + ": sends lost manifests' load events again")
                .schedule(Schedule.rate(Duration.minutes(EVERY_MINUTES)))
                .targets(List.of(new LambdaFunction(function, LambdaFunctionProps.builder()
                        .event(RuleTargetInput.fromObject(Map.of("source", "sliceflow.schedule")))
                        .retryAttempts(0)
                        .build())))
                .build();

        new FunctionAlarms(this, "FunctionAlarms", functionName, function, TIMEOUT,
                FunctionAlarms.ninetyPercentOf(TIMEOUT), topic);
    }

    public Role role() {
        return role;
    }

    public Function function() {
        return function;
    }

    public Rule rule() {
        return rule;
    }
}

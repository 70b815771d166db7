package dev.sliceflow.infra;

import dev.sliceflow.infra.StackSettings.PlannerSchedule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The scheduled planner: an EventBridge rule invokes the planner function on the configured schedule with the
 * constant input {"specKey": "specs/..."}; the function reads that sync spec from the staging bucket, writes the
 * sync's plan.json and enqueued.json under syncs/, and sends one message per slice to the sync queue.
 * <p>
 * An EventBridge rule rather than an EventBridge Scheduler schedule: the rule invokes the function through a
 * resource-based permission limited to the rule's ARN, so there is no invoker role to manage (nor its
 * {@code function:*} wildcard), and its cron and rate expressions are what {@code schedule} accepts. Scheduler's
 * extras (time zones, one-time {@code at()} schedules, flexible windows) are not needed for a UTC nightly sync.
 * <p>
 * The rule passes the event's scheduled time as {@code scheduledTime}, which becomes the sync's time, so every
 * retry (Lambda's two asynchronous retries, EventBridge's redelivery) plans the same sync id: after a finished
 * enqueue a retry sends nothing; after a half-finished one it sends the slices again, which the commit protocol
 * absorbs. A run that fails after Lambda's retries lands in the planner's failure queue (its onFailure
 * destination, holding the input and the error); an event that EventBridge could not deliver at all lands in the
 * rule target's dead-letter queue. Both raise an alarm, as do the function's errors, throttles and near-timeouts.
 */
public final class Planner extends Construct {
    static final String HANDLER = "dev.sliceflow.planner.PlannerHandler::handleRequest";

    private final Role role;
    private final Queue failures;
    private final Queue scheduleDeadLetters;
    private final Function function;
    private final Rule rule;

    public Planner(Construct scope, String id, String prefix, PlannerSchedule schedule,
                   QueueConsumer.Platform platform, IBucket bucket, IQueue syncQueue, ITopic topic,
                   Optional<String> roleName, Optional<String> externalId) {
        super(scope, id);
        String functionName = prefix + "-planner";
        role = platform.executionRole(this, functionName);
        LogGroup logGroup = platform.logGroup(this, functionName, role);

        Map<String, String> env = new LinkedHashMap<>();
        env.put("SLICEFLOW_BUCKET", bucket.getBucketName());
        env.put("SLICEFLOW_SYNC_QUEUE_URL", syncQueue.getQueueUrl());
        if (schedule.discovery()) {
            roleName.ifPresent(name -> env.put("SLICEFLOW_ROLE_NAME", name));
            externalId.ifPresent(value -> env.put("SLICEFLOW_EXTERNAL_ID", value));
        }
        failures = deadLetterQueue("FailureQueue", "the planner's failed asynchronous invocations (onFailure)");
        scheduleDeadLetters = deadLetterQueue("ScheduleDeadLetterQueue",
                "the events EventBridge could not deliver to the planner");

        // No SnapStart and no alias: a schedule's cold start costs nothing that matters.
        Function.Builder builder = Function.Builder.create(this, "Function")
                .functionName(functionName)
                .code(Code.fromAsset(platform.jar()))
                .handler(HANDLER)
                .runtime(platform.runtime())
                .architecture(platform.architecture())
                .memorySize(schedule.memoryMb())
                .timeout(Duration.minutes(schedule.timeoutMinutes()))
                .retryAttempts(2)
                .onFailure(new SqsDestination(failures))
                .role(role)
                .logGroup(logGroup)
                .environment(env);
        platform.apply(builder);
        function = builder.build();
        platform.acknowledge(function, role);

        // Read the specs; read (HeadObject of enqueued.json) and write the plan and marker. grantRead also allows
        // s3:ListBucket on the bucket, without which S3 answers HeadObject of a missing key with 403, not 404, and
        // the planner could not tell a new sync from a failed request.
        bucket.grantRead(role, StagingBucket.SPECS_PREFIX + "*");
        bucket.grantRead(role, StagingBucket.SYNCS_PREFIX + "*");
        bucket.grantPut(role, StagingBucket.SYNCS_PREFIX + "*");
        syncQueue.grantSendMessages(role);
        acknowledgeWildcards(bucket);
        if (schedule.discovery()) {
            allowDiscovery(roleName, externalId);
        }

        rule = Rule.Builder.create(this, "Schedule")
                .ruleName(functionName)
                .description("Runs " + functionName + " on s3://<staging bucket>/" + schedule.specKey())
                .schedule(Schedule.expression(schedule.expression()))
                .targets(List.of(new LambdaFunction(function, LambdaFunctionProps.builder()
                        .event(RuleTargetInput.fromObject(input(schedule.specKey())))
                        .deadLetterQueue(scheduleDeadLetters)
                        .build())))
                .build();

        Duration timeout = Duration.minutes(schedule.timeoutMinutes());
        new FunctionAlarms(this, "FunctionAlarms", functionName, function, timeout,
                FunctionAlarms.ninetyPercentOf(timeout), topic);
        List<Alarm> alarms = List.of(
                QueueAlarms.deadLetters(this, "Failures", failures, functionName + "-failures",
                        "A run of " + functionName + " failed after Lambda's two retries; the failure queue holds its"
                                + " input and error: read its log, fix the cause, then invoke it by hand with that"
                                + " input (docs/operations.md)."),
                QueueAlarms.deadLetters(this, "ScheduleDeadLetters", scheduleDeadLetters,
                        functionName + "-schedule-dlq-not-empty",
                        "EventBridge could not deliver a scheduled event to " + functionName + " (its dead-letter"
                                + " queue holds the event): the scheduled sync did not start."),
                alarm(Metric.Builder.create().namespace("AWS/Events").metricName("FailedInvocations")
                                .dimensionsMap(Map.of("RuleName", rule.getRuleName())).build(),
                        "FailedInvocations", prefix + "-planner-failed-invocations",
                        "EventBridge could not invoke " + functionName + " on schedule (after its retries): the"
                                + " scheduled sync did not start."));
        alarms.forEach(alarm -> alarm.addAlarmAction(new SnsAction(topic)));
    }

    /** A queue that only receives what failed: SQS-managed encryption, TLS only, the longest retention. */
    private Queue deadLetterQueue(String id, String what) {
        Queue queue = Queue.Builder.create(this, id)
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(WorkQueue.DLQ_RETENTION)
                .build();
        NagFindings.acknowledge(queue, "AwsSolutions-SQS3", "This queue is itself a dead-letter queue: it holds "
                + what + "; messages leave it only when an operator reads them (docs/operations.md).");
        return queue;
    }

    private Alarm alarm(Metric metric, String id, String name, String description) {
        return metric.with(MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build())
                .createAlarm(this, id, CreateAlarmOptions.builder()
                        .alarmName(name)
                        .alarmDescription(description)
                        .threshold(0)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
    }

    private void acknowledgeWildcards(IBucket bucket) {
        for (String action : List.of("s3:GetObject*", "s3:GetBucket*", "s3:List*")) {
            NagFindings.acknowledge(role, NagFindings.wildcardAction(action),
                    action + " is one of CDK's grantRead action groups (read-only), granted on the staging bucket"
                            + " and its specs/* and syncs/* prefixes only.");
        }
        NagFindings.acknowledge(role, NagFindings.wildcardAction("s3:Abort*"),
                "s3:Abort* comes with CDK's grantPut (AbortMultipartUpload, so that a failed multipart upload of a"
                        + " large plan can be cleaned up); it applies only to the syncs/* prefix.");
        NagFindings.acknowledge(role, NagFindings.wildcardResource(
                        NagFindings.arnOf(bucket) + "/" + StagingBucket.SPECS_PREFIX + "*"),
                "The planner reads the spec its input names, any key under specs/ (the schedule's, or another one"
                        + " when invoked by hand): the prefix is the narrowest scope there is.");
        NagFindings.acknowledge(role, NagFindings.wildcardResource(
                        NagFindings.arnOf(bucket) + "/" + StagingBucket.SYNCS_PREFIX + "*"),
                "The planner writes syncs/sync_id=<id>/plan.json and enqueued.json for a sync id made at run time:"
                        + " the prefix is the narrowest scope there is.");
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

    /** The onFailure destination of the planner's asynchronous invocations. */
    public Queue failures() {
        return failures;
    }

    /** The dead-letter queue of the schedule rule's target. */
    public Queue scheduleDeadLetters() {
        return scheduleDeadLetters;
    }

    /** Ordered, so every synth writes the same template (Map.of's order changes from one JVM to the next). */
    private static Map<String, Object> input(String specKey) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("specKey", specKey);
        input.put("scheduledTime", EventField.getTime());
        return input;
    }

    /**
     * Discovery for specs with organization: true or regions: ["*"]: the organization's accounts with the planner's own
     * credentials (it runs in the management or a delegated administrator account), and each account's enabled regions
     * through the configured role there (or with its own credentials, for its own account, when no role is set).
     */
    private void allowDiscovery(Optional<String> roleName, Optional<String> externalId) {
        List<String> organizations = List.of("organizations:ListAccounts", "organizations:ListAccountsForParent",
                "organizations:ListChildren");
        role.addToPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW).actions(organizations)
                .resources(List.of("*")).build());
        String reason = "AWS Organizations' List actions take no resource narrower than the organization, whose id"
                + " is not known at deploy time; they are read-only and granted only with -c discovery=true.";
        if (roleName.isPresent()) {
            role.addToPolicy(SyncWorker.assumeSourceRole(this, roleName.get(), externalId));
            NagFindings.acknowledge(role, NagFindings.wildcardResource("arn:<AWS::Partition>:iam::*:role/"
                    + roleName.get()), "The planner assumes the one configured role name in the organization's"
                    + " accounts (known only at run time) to read their enabled regions; the role's trust policy and"
                    + " ExternalId decide who may.");
        } else {
            role.addToPolicy(PolicyStatement.Builder.create().effect(Effect.ALLOW)
                    .actions(List.of("ec2:DescribeRegions")).resources(List.of("*")).build());
            reason += " ec2:DescribeRegions has no resource-level permissions at all.";
        }
        NagFindings.acknowledge(role, NagFindings.wildcardResource("*"), reason);
    }
}

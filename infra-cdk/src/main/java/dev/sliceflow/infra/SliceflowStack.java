package dev.sliceflow.infra;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * sliceflow in one stack: staging bucket, sync queue and worker, load queue and loader, the scheduled reconciler that
 * sends lost manifests' load events again, alarms to an SNS topic, a dashboard, the lake (Glue database, Athena
 * workgroup) unless a warehouse is configured, and, when a schedule is configured, the scheduled planner.
 * Environment-agnostic (no account or region
 * lookups), so it synthesizes offline.
 */
public final class SliceflowStack extends Stack {
    /** The construct CDK adds once per stack for bucket notifications (a fixed id in aws-cdk-lib). */
    static final String NOTIFICATIONS_HANDLER_ID = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834";
    /** The warning synth gives when no one receives the alarms. */
    static final String NO_SUBSCRIBER_WARNING = "sliceflow:alarmsReachNoOne";
    /** The outputs that only a stack with a schedule has. */
    static final String PLANNER_OUTPUT_ID = "PlannerFunctionName";
    static final List<String> PLANNER_OUTPUT_IDS = List.of(PLANNER_OUTPUT_ID, "PlannerFailureQueueUrl",
            "PlannerScheduleDeadLetterQueueUrl");

    private final StagingBucket staging;
    private final SyncWorker worker;
    private final Optional<Lake> lake;
    private final Loader loader;
    private final Optional<Planner> planner;
    private final LoadReconciler reconciler;
    private final ITopic alarmTopic;
    private final SyncDashboard dashboard;

    public SliceflowStack(Construct scope, String id, StackProps props, StackSettings settings, String functionJar) {
        super(scope, id, props);
        QueueConsumer.Platform platform = new QueueConsumer.Platform(
                functionJar, settings.runtime(), settings.architecture(), settings.logRetention(), settings.tracing());
        staging = new StagingBucket(this, "Staging", settings.stagingExpiryDays(), settings.lake().isPresent());
        worker = new SyncWorker(this, "Sync", settings, platform, staging.bucket());
        lake = settings.lake().map(l -> new Lake(this, "Lake", settings.prefix(), l, staging.bucket()));
        loader = new Loader(this, "Load", settings, platform, staging.bucket(), lake);
        configureNotificationsHandler(settings);

        alarmTopic = alarmTopic(settings);
        Duration maxAge = Duration.minutes(settings.queueAgeAlarmMinutes());
        new QueueAlarms(this, "SyncAlarms", worker.queue(), maxAge, alarmTopic);
        new QueueAlarms(this, "LoadAlarms", loader.queue(), maxAge, alarmTopic);
        Duration workerTimeout = Duration.minutes(settings.workerTimeoutMinutes());
        new FunctionAlarms(this, "WorkerAlarms", settings.prefix() + "-worker", worker.consumer().function(),
                workerTimeout, workerNearTimeout(workerTimeout, settings.deadlineMarginSeconds()), alarmTopic);
        Duration loaderTimeout = Duration.minutes(settings.loaderTimeoutMinutes());
        new FunctionAlarms(this, "LoaderAlarms", settings.prefix() + "-loader", loader.consumer().function(),
                loaderTimeout, FunctionAlarms.ninetyPercentOf(loaderTimeout), alarmTopic);
        reconciler = new LoadReconciler(this, "Reconcile", settings, platform, staging.bucket(),
                loader.queue().queue(), lake, alarmTopic);
        planner = settings.planner().map(schedule -> new Planner(this, "Planner", settings.prefix(), schedule,
                platform, staging.bucket(), worker.queue().queue(), alarmTopic, settings.roleName(),
                settings.externalId()));
        dashboard = new SyncDashboard(this, "Dashboard", new SyncDashboard.Parts(settings.prefix(),
                worker.consumer().function(), loader.consumer().function(), settings.prefix() + "-planner",
                worker.queue(), loader.queue()));

        output("BucketName", staging.bucket().getBucketName(),
                "Staging bucket (data/, manifests/, syncs/; sync specs under specs/)");
        output("SyncQueueUrl", worker.queue().queue().getQueueUrl(), "Send sync requests here");
        output("SyncDeadLetterQueueUrl", worker.queue().deadLetterQueue().getQueueUrl(), "Failed sync requests");
        output("LoadQueueUrl", loader.queue().queue().getQueueUrl(), "Manifest events for the loader");
        output("LoadDeadLetterQueueUrl", loader.queue().deadLetterQueue().getQueueUrl(), "Failed loads");
        output("WorkerFunctionName", worker.consumer().function().getFunctionName(), "Worker function");
        output("LoaderFunctionName", loader.consumer().function().getFunctionName(), "Loader function");
        output("ReconcilerFunctionName", reconciler.function().getFunctionName(),
                "Sends lost manifests' load events again, every " + LoadReconciler.EVERY_MINUTES + " min");
        output("WorkerRoleArn", worker.consumer().role().getRoleArn(),
                "Trust this principal in the role the worker assumes in each source account");
        output("AlarmTopicArn", alarmTopic.getTopicArn(), "Alarms notify this SNS topic");
        output("DashboardName", dashboard.dashboard().getDashboardName(), "CloudWatch dashboard of a sync's life");
        planner.ifPresent(p -> output(PLANNER_OUTPUT_ID, p.function().getFunctionName(),
                "Scheduled planner function (invoke by hand with {\"specKey\": \"specs/...\"})"));
        planner.ifPresent(p -> output("PlannerFailureQueueUrl", p.failures().getQueueUrl(),
                "The planner's failed runs (input and error), after Lambda's retries"));
        planner.ifPresent(p -> output("PlannerScheduleDeadLetterQueueUrl", p.scheduleDeadLetters().getQueueUrl(),
                "Scheduled events EventBridge could not deliver to the planner"));
        lake.ifPresent(l -> {
            output("LakeDatabaseName", l.database(), "Glue database of the lake's Iceberg tables");
            output("LakeLocation", l.warehouseLocation(), "Where the lake's Iceberg tables live");
            output("AthenaWorkGroupName", l.workGroup().getRef(), "Query the lake with Athena in this workgroup");
            output("AthenaExampleQuery", l.exampleQuery(), "An example Athena query over the lake (run it in the workgroup above)");
        });
        settings.planner().filter(StackSettings.PlannerSchedule::discovery)
                .ifPresent(schedule -> output("PlannerRoleArn", planner.orElseThrow().role().getRoleArn(),
                        "With discovery: trust this principal too in the role assumed in each account"));
    }

    /**
     * The worker commits what it has and continues {@code margin} before its timeout: an invocation that runs past
     * half of that margin is a commit that took too long (or a deadline that did not work), close to being killed.
     */
    static Duration workerNearTimeout(Duration timeout, int marginSeconds) {
        if (marginSeconds == 0) {
            return FunctionAlarms.ninetyPercentOf(timeout);
        }
        return Duration.seconds(timeout.toSeconds().intValue() - marginSeconds / 2.0);
    }

    /**
     * Every alarm notifies this topic: the one given with alarmTopicArn, or one of the stack's own. E-mail addresses
     * are subscribed to it. With neither, synth warns: the alarms would notify a topic that nobody reads.
     */
    private ITopic alarmTopic(StackSettings settings) {
        ITopic topic = settings.alarmTopicArn()
                .map(arn -> Topic.fromTopicArn(this, "AlarmTopic", arn))
                .orElseGet(() -> Topic.Builder.create(this, "AlarmTopic")
                        .topicName(settings.prefix() + "-alarms")
                        .enforceSsl(true)
                        .build());
        settings.alarmEmails().forEach(email -> topic.addSubscription(new EmailSubscription(email)));
        if (!settings.alarmsReachSomeone()) {
            Annotations.of(this).addWarningV2(NO_SUBSCRIBER_WARNING, "No one is subscribed to the alarm topic "
                    + settings.prefix() + "-alarms: alarms will notify no one. Set -c alarmEmail=you@example.com (or"
                    + " -c alarmTopicArn=<an existing SNS topic>). Subscriptions made outside the stack are not seen"
                    + " here: with one of those, ignore this warning.");
        }
        return topic;
    }

    /**
     * Bucket notifications need a CloudFormation custom resource: CDK's own handler function, which configures the
     * notification after both the bucket and the queue policy exist (S3 checks that it may send to the queue). CDK
     * gives it no log group, so Lambda would create one that keeps its logs forever: it gets one of ours, with the
     * stack's retention.
     */
    private void configureNotificationsHandler(StackSettings settings) {
        IConstruct handler = getNode().tryFindChild(NOTIFICATIONS_HANDLER_ID);
        if (handler == null) {
            return;
        }
        LogGroup logs = LogGroup.Builder.create(this, "BucketNotificationsLogs")
                .logGroupName("/aws/lambda/" + settings.prefix() + "-bucket-notifications")
                .retention(settings.logRetention())
                .removalPolicy(RemovalPolicy.DESTROY)
                .build();
        CfnResource function = (CfnResource) handler.getNode().getDefaultChild();
        function.addPropertyOverride("LoggingConfig", Map.of("LogGroup", logs.getLogGroupName()));
        NagFindings.acknowledge(handler, NagFindings.awsManagedPolicy("service-role/AWSLambdaBasicExecutionRole"),
                "CDK's bucket-notifications handler (part of aws-cdk-lib, run only while CloudFormation deploys)"
                        + " logs through AWSLambdaBasicExecutionRole; its only other permission is"
                        + " s3:PutBucketNotification on the staging bucket.");
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    public StagingBucket staging() {
        return staging;
    }

    public SyncWorker worker() {
        return worker;
    }

    public Optional<Lake> lake() {
        return lake;
    }

    public Loader loader() {
        return loader;
    }

    public Optional<Planner> planner() {
        return planner;
    }

    public LoadReconciler reconciler() {
        return reconciler;
    }

    public ITopic alarmTopic() {
        return alarmTopic;
    }

    public SyncDashboard dashboard() {
        return dashboard;
    }

    /** The outputs a stack whose destination is the lake adds. */
    static final List<String> LAKE_OUTPUT_IDS = List.of("LakeDatabaseName", "LakeLocation", "AthenaWorkGroupName",
            "AthenaExampleQuery");

    /**
     * The outputs of every stack; one with a schedule adds {@link #PLANNER_OUTPUT_IDS}, one with the lake
     * {@link #LAKE_OUTPUT_IDS}.
     */
    static List<String> outputIds() {
        return List.of("BucketName", "SyncQueueUrl", "SyncDeadLetterQueueUrl", "LoadQueueUrl",
                "LoadDeadLetterQueueUrl", "WorkerFunctionName", "LoaderFunctionName", "ReconcilerFunctionName",
                "WorkerRoleArn", "AlarmTopicArn", "DashboardName");
    }
}

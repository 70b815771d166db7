package dev.sliceflow.infra;

import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * sliceflow in one stack: staging bucket, sync queue and worker, load queue and loader, alarms, and, when a schedule
 * is configured, the scheduled planner. Environment-agnostic (no account or region lookups), so it synthesizes
 * offline.
 */
public final class SliceflowStack extends Stack {
    /** The construct CDK adds once per stack for bucket notifications (a fixed id in aws-cdk-lib). */
    static final String NOTIFICATIONS_HANDLER_ID = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834";
    /** The output that only a stack with a schedule has. */
    static final String PLANNER_OUTPUT_ID = "PlannerFunctionName";

    private final StagingBucket staging;
    private final SyncWorker worker;
    private final Loader loader;
    private final Optional<Planner> planner;

    public SliceflowStack(Construct scope, String id, StackProps props, StackSettings settings, String functionJar) {
        super(scope, id, props);
        QueueConsumer.Platform platform = new QueueConsumer.Platform(
                functionJar, settings.runtime(), settings.architecture(), settings.logRetention());
        staging = new StagingBucket(this, "Staging", settings.stagingExpiryDays());
        worker = new SyncWorker(this, "Sync", settings, platform, staging.bucket());
        loader = new Loader(this, "Load", settings, platform, staging.bucket());
        acknowledgeNotificationsHandler();

        Optional<ITopic> topic = alarmTopic(settings);
        Duration maxAge = Duration.minutes(settings.queueAgeAlarmMinutes());
        new QueueAlarms(this, "SyncAlarms", settings.prefix() + "-sync", worker.queue(), maxAge, topic);
        new QueueAlarms(this, "LoadAlarms", settings.prefix() + "-load", loader.queue(), maxAge, topic);
        planner = settings.planner().map(schedule -> new Planner(this, "Planner", settings.prefix(), schedule,
                platform, staging.bucket(), worker.queue().queue(), topic, settings.roleName(), settings.externalId()));

        output("BucketName", staging.bucket().getBucketName(),
                "Staging bucket (data/, manifests/, syncs/; sync specs under specs/)");
        output("SyncQueueUrl", worker.queue().queue().getQueueUrl(), "Send sync requests here");
        output("SyncDeadLetterQueueUrl", worker.queue().deadLetterQueue().getQueueUrl(), "Failed sync requests");
        output("LoadQueueUrl", loader.queue().queue().getQueueUrl(), "Manifest events for the loader");
        output("LoadDeadLetterQueueUrl", loader.queue().deadLetterQueue().getQueueUrl(), "Failed loads");
        output("WorkerFunctionName", worker.consumer().function().getFunctionName(), "Worker function");
        output("LoaderFunctionName", loader.consumer().function().getFunctionName(), "Loader function");
        output("WorkerRoleArn", worker.consumer().role().getRoleArn(),
                "Trust this principal in the role the worker assumes in each source account");
        planner.ifPresent(p -> output(PLANNER_OUTPUT_ID, p.function().getFunctionName(),
                "Scheduled planner function (invoke by hand with {\"specKey\": \"specs/...\"})"));
        settings.planner().filter(StackSettings.PlannerSchedule::discovery)
                .ifPresent(schedule -> output("PlannerRoleArn", planner.orElseThrow().role().getRoleArn(),
                        "With discovery: trust this principal too in the role assumed in each account"));
    }

    private Optional<ITopic> alarmTopic(StackSettings settings) {
        if (settings.alarmTopicArn().isPresent()) {
            return Optional.of(Topic.fromTopicArn(this, "AlarmTopic", settings.alarmTopicArn().get()));
        }
        return settings.alarmEmail().map(email -> {
            Topic topic = Topic.Builder.create(this, "AlarmTopic")
                    .topicName(settings.prefix() + "-alarms")
                    .enforceSsl(true)
                    .build();
            topic.addSubscription(new EmailSubscription(email));
            return topic;
        });
    }

    /**
     * Bucket notifications need a CloudFormation custom resource: CDK's own handler function, which configures the
     * notification after both the bucket and the queue policy exist (S3 checks that it may send to the queue).
     */
    private void acknowledgeNotificationsHandler() {
        IConstruct handler = getNode().tryFindChild(NOTIFICATIONS_HANDLER_ID);
        if (handler == null) {
            return;
        }
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

    public Loader loader() {
        return loader;
    }

    public Optional<Planner> planner() {
        return planner;
    }

    /** The outputs of every stack; one with a schedule adds {@link #PLANNER_OUTPUT_ID}. */
    static List<String> outputIds() {
        return List.of("BucketName", "SyncQueueUrl", "SyncDeadLetterQueueUrl", "LoadQueueUrl",
                "LoadDeadLetterQueueUrl", "WorkerFunctionName", "LoaderFunctionName", "WorkerRoleArn");
    }
}

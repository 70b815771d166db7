package dev.sliceflow.infra;

import static dev.sliceflow.infra.Templates.actions;
import static dev.sliceflow.infra.Templates.allowStatements;
import static dev.sliceflow.infra.Templates.list;
import static dev.sliceflow.infra.Templates.map;
import static dev.sliceflow.infra.Templates.one;
import static dev.sliceflow.infra.Templates.properties;
import static dev.sliceflow.infra.Templates.target;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The default stack plus a schedule: the planner, its rule, its permissions and its alarms. Also written to
 * target/synth-check/expected-scheduled-template.json, which synth-check.sh compares with the CLI's synth of
 * {@link #CONTEXT}.
 */
class ScheduledStackTest {
    static final Path EXPECTED_TEMPLATE = Path.of("target/synth-check/expected-scheduled-template.json");
    /** synth-check.sh passes the same values with --context. */
    static final Map<String, Object> CONTEXT = Map.of(
            "warehouseUrl", TestStacks.WAREHOUSE_URL,
            "schedule", "cron(0 2 * * ? *)",
            "scheduleSpecKey", "specs/nightly.yaml");

    private static SliceflowStack stack;
    private static Template template;

    @BeforeAll
    static void synth() throws Exception {
        stack = TestStacks.stack(CONTEXT);
        template = Template.fromStack(stack);
        Files.createDirectories(EXPECTED_TEMPLATE.getParent());
        Files.writeString(EXPECTED_TEMPLATE, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(template.toJSON()));
    }

    @Test
    void rule_whenScheduled_runsOnTheScheduleWithTheSpecKeyAndTheScheduledTime() throws Exception {
        Map<String, Map<String, Object>> rules = planners(template.findResources("AWS::Events::Rule"));
        assertThat(rules).hasSize(1);
        Map<String, Object> rule = properties(rules.values().iterator().next());
        assertThat(rule).containsEntry("ScheduleExpression", "cron(0 2 * * ? *)")
                .containsEntry("State", "ENABLED")
                .containsEntry("Name", "sliceflow-planner");
        List<Object> targets = list(rule.get("Targets"));
        assertThat(targets).hasSize(1);
        Map<String, Object> ruleTarget = map(targets.get(0));
        assertThat(target(ruleTarget.get("Arn"))).isEqualTo(plannerId());
        assertThat(map(ruleTarget.get("Arn")).get("Fn::GetAtt")).isEqualTo(List.of(plannerId(), "Arn"));
        // the event's time becomes the sync's time: a retried invocation plans the same sync id
        Map<String, Object> transformer = map(ruleTarget.get("InputTransformer"));
        assertThat(map(transformer.get("InputPathsMap"))).containsEntry("time", "$.time");
        assertThat((String) transformer.get("InputTemplate")).contains("\"specKey\":\"specs/nightly.yaml\"")
                .contains("\"scheduledTime\":<time>");
        assertThat(ruleTarget).doesNotContainKeys("Input", "InputPath");
    }

    @Test
    void permission_whenScheduled_letsOnlyThisRuleInvokeThePlanner() {
        Map<String, Map<String, Object>> permissions = planners(template.findResources("AWS::Lambda::Permission"));
        assertThat(permissions).hasSize(1);
        Map<String, Object> permission = properties(permissions.values().iterator().next());
        assertThat(permission).containsEntry("Action", "lambda:InvokeFunction")
                .containsEntry("Principal", "events.amazonaws.com");
        assertThat(target(permission.get("FunctionName"))).isEqualTo(plannerId());
        assertThat(target(permission.get("SourceArn")))
                .isEqualTo(Templates.logicalId(template, "AWS::Events::Rule", "Planner"));
    }

    @Test
    void planner_whenDefaults_runsThePlannerHandlerOnTheSharedPlatformWithoutSnapStart() {
        assertThat(planner())
                .containsEntry("FunctionName", "sliceflow-planner")
                .containsEntry("Handler", "dev.sliceflow.planner.PlannerHandler::handleRequest")
                .containsEntry("Runtime", "java25")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("MemorySize", 1024)
                .containsEntry("Timeout", 300)
                .doesNotContainKeys("SnapStart", "VpcConfig");
        assertThat(target(planner().get("Role"))).startsWith("PlannerRole");
        assertThat(map(map(planner().get("Environment")).get("Variables")))
                .containsOnlyKeys("SLICEFLOW_BUCKET", "SLICEFLOW_SYNC_QUEUE_URL")
                .containsEntry("SLICEFLOW_BUCKET", Map.of("Ref", bucketId()))
                .containsEntry("SLICEFLOW_SYNC_QUEUE_URL", Map.of("Ref", queueId("sliceflow-sync")));
        // Nothing invokes a version: the rule targets the function itself.
        template.resourceCountIs("AWS::Lambda::Alias", 2);
    }

    @Test
    void planner_whenInvokedAsynchronously_isRetriedTwiceByLambda() {
        // Safe: a retry carries the same scheduledTime, so it plans the same sync id.
        Map<String, Map<String, Object>> configs = planners(template.findResources("AWS::Lambda::EventInvokeConfig"));
        assertThat(configs).hasSize(1);
        Map<String, Object> config = properties(configs.values().iterator().next());
        assertThat(config).containsEntry("MaximumRetryAttempts", 2).containsEntry("Qualifier", "$LATEST");
        assertThat(config.get("FunctionName")).isEqualTo(Map.of("Ref", plannerId()));
    }

    @Test
    void plannerLogs_whenDefaults_goToItsOwnLogGroupWithTheStackRetention() {
        String groupId = Templates.logicalId(template, "AWS::Logs::LogGroup", "PlannerLogs");
        assertThat(properties(template.findResources("AWS::Logs::LogGroup").get(groupId)))
                .containsEntry("LogGroupName", "/aws/lambda/sliceflow-planner")
                .containsEntry("RetentionInDays", 30);
        assertThat(planner()).containsEntry("LoggingConfig", Map.of("LogGroup", Map.of("Ref", groupId),
                "LogFormat", "JSON", "ApplicationLogLevel", "INFO", "SystemLogLevel", "INFO"));
        assertThat(one(template, "AWS::IAM::Role", "PlannerRole")).doesNotContainKey("ManagedPolicyArns");
    }

    @Test
    void plannerPolicy_whenScheduled_readsSpecsReadsAndWritesSyncsAndNothingElse() {
        List<Map<String, Object>> s3 = plannerStatements().stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("s3:"))).toList();
        assertThat(s3).isNotEmpty().allSatisfy(statement -> assertThat(actions(statement))
                .noneMatch(a -> a.equals("s3:*") || a.startsWith("s3:Delete") || a.startsWith("s3:PutBucket")));
        assertThat(s3.stream().flatMap(s -> list(s.get("Resource")).stream())
                .filter(r -> map(r).containsKey("Fn::Join")).map(ScheduledStackTest::prefixOf).distinct().toList())
                .containsExactlyInAnyOrder("/specs/*", "/syncs/*");
        // Writes go to syncs/ only: specs are the operator's.
        List<Map<String, Object>> writes = s3.stream().filter(s -> actions(s).contains("s3:PutObject")).toList();
        assertThat(writes).isNotEmpty().allSatisfy(s -> assertThat(list(s.get("Resource")).stream()
                .map(ScheduledStackTest::prefixOf).toList()).containsOnly("/syncs/*"));
        // HeadObject of a missing enqueued.json answers 404 only with s3:ListBucket on the bucket (else 403).
        assertThat(s3).anySatisfy(s -> {
            assertThat(actions(s)).contains("s3:List*");
            assertThat(list(s.get("Resource"))).contains(Map.of("Fn::GetAtt", List.of(bucketId(), "Arn")));
        });
    }

    @Test
    void plannerPolicy_whenDiscoveryIsOff_grantsNoOrganizationsStsOrEc2Action() {
        assertThat(plannerStatements()).noneMatch(s -> actions(s).stream().anyMatch(a -> a.startsWith("organizations:")
                || a.startsWith("sts:") || a.startsWith("ec2:")));
    }

    @Test
    void plannerPolicy_whenScheduled_sendsOnlyToTheSyncQueueAndItsFailureQueue() {
        List<Map<String, Object>> sqs = plannerStatements().stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("sqs:"))).toList();
        assertThat(sqs).isNotEmpty().allSatisfy(s -> assertThat(actions(s)).contains("sqs:SendMessage")
                .noneMatch(a -> a.startsWith("sqs:Receive") || a.startsWith("sqs:Delete") || a.startsWith("sqs:Purge")));
        assertThat(sqs.stream().flatMap(s -> list(s.get("Resource")).stream()).map(Templates::target).toList())
                .containsExactlyInAnyOrder(queueId("sliceflow-sync"),
                        Templates.logicalId(template, "AWS::SQS::Queue", "PlannerFailureQueue"));
        assertThat(plannerStatements()).noneMatch(s -> actions(s).stream()
                .anyMatch(a -> a.startsWith("sts:") || a.startsWith("secretsmanager:")));
    }

    @Test
    void iamPolicies_whenScheduled_grantNoWildcardServiceActionAndNoResourceStar() {
        assertThat(plannerStatements()).isNotEmpty();
        assertThat(allowStatements(template)).allSatisfy(statement -> {
            assertThat(actions(statement)).as("actions in %s", statement.get("_policy"))
                    .noneMatch(a -> a.equals("*") || a.endsWith(":*"));
            assertThat(list(statement.get("Resource"))).as("resources in %s", statement.get("_policy"))
                    .doesNotContain("*");
        });
    }

    @Test
    void alarms_whenScheduledWithoutTopic_watchPlannerErrorsAndFailedInvocations() {
        // the default stack's 15; the planner's errors, throttles, near timeout, failures, schedule DLQ, failed
        // invocations
        template.resourceCountIs("AWS::CloudWatch::Alarm", 21);
        String topicId = Templates.logicalId(template, "AWS::SNS::Topic", "AlarmTopic");
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmName", "sliceflow-planner-errors",
                "Namespace", "AWS/Lambda",
                "MetricName", "Errors",
                "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", plannerId()))),
                "Statistic", "Sum",
                "ComparisonOperator", "GreaterThanThreshold",
                "Threshold", 0,
                "TreatMissingData", "notBreaching",
                "AlarmActions", List.of(Map.of("Ref", topicId)))));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmName", "sliceflow-planner-failed-invocations",
                "Namespace", "AWS/Events",
                "MetricName", "FailedInvocations",
                "Dimensions", List.of(Map.of("Name", "RuleName",
                        "Value", Map.of("Ref", Templates.logicalId(template, "AWS::Events::Rule", "Planner")))),
                "ComparisonOperator", "GreaterThanThreshold",
                "Threshold", 0,
                "AlarmActions", List.of(Map.of("Ref", topicId)))));
    }

    @Test
    void planner_whenItsRunsFailOrCannotBeDelivered_keepsThemInDeadLetterQueuesThatAlarm() {
        Map<String, Object> config = Templates.one(template, "AWS::Lambda::EventInvokeConfig", "Planner");
        String failures = target(map(map(config.get("DestinationConfig")).get("OnFailure")).get("Destination"));
        assertThat(failures).startsWith("PlannerFailureQueue");
        Map<String, Object> rule = Templates.one(template, "AWS::Events::Rule", "Planner");
        Map<String, Object> target = map(list(rule.get("Targets")).get(0));
        String ruleDlq = target(map(target.get("DeadLetterConfig")).get("Arn"));
        assertThat(ruleDlq).startsWith("PlannerScheduleDeadLetterQueue");
        for (String queue : List.of(failures, ruleDlq)) {
            assertThat(properties(template.findResources("AWS::SQS::Queue").get(queue)))
                    .containsEntry("SqsManagedSseEnabled", true)
                    .containsEntry("MessageRetentionPeriod", 14 * 24 * 3600);
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                    "MetricName", "ApproximateNumberOfMessagesVisible", "Threshold", 0,
                    "Dimensions", List.of(Map.of("Name", "QueueName",
                            "Value", Map.of("Fn::GetAtt", List.of(queue, "QueueName")))))));
        }
        assertThat(allowStatements(template)).filteredOn(s -> s.get("_policy").toString().startsWith("PlannerRole"))
                .filteredOn(s -> actions(s).contains("sqs:SendMessage"))
                .flatExtracting(s -> list(s.get("Resource")).stream().map(Templates::target).toList())
                .contains(failures);
    }

    @Test
    void outputs_whenScheduled_addThePlannerFunctionName() {
        assertThat(template.findOutputs("*").keySet()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(SliceflowStack.outputIds().stream(),
                        SliceflowStack.PLANNER_OUTPUT_IDS.stream()).toList());
        assertThat(map(template.findOutputs("PlannerFunctionName").get("PlannerFunctionName")).get("Value"))
                .isEqualTo(Map.of("Ref", plannerId()));
    }

    @Test
    void synth_whenScheduled_warnsOnlyThatAlarmsReachNoOne() {
        Templates.hasOnlyTheNoSubscriberWarning(stack);
    }

    @Test
    void cdkNag_whenScheduled_leavesNoUnacknowledgedFinding() {
        assertThat(Templates.unacknowledgedFindings(stack)).isEmpty();
    }

    private static String plannerId() {
        return Templates.logicalId(template, "AWS::Lambda::Function", "PlannerFunction");
    }

    private static String bucketId() {
        return Templates.logicalId(template, "AWS::S3::Bucket", "Staging");
    }

    private static Map<String, Object> planner() {
        return properties(template.findResources("AWS::Lambda::Function").get(plannerId()));
    }

    private static List<Map<String, Object>> plannerStatements() {
        return allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith("PlannerRole")).toList();
    }

    private static String queueId(String name) {
        return Templates.queueId(template, name);
    }

    /** `{"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/syncs/*"]]}` -> "/syncs/*" */
    private static String prefixOf(Object resource) {
        List<Object> parts = list(list(map(resource).get("Fn::Join")).get(1));
        assertThat(target(parts.get(0))).startsWith("Staging");
        return (String) parts.get(1);
    }

    /** The planner's resources of a type (the reconciler has a rule, a permission and an invoke config too). */
    private static Map<String, Map<String, Object>> planners(Map<String, Map<String, Object>> resources) {
        Map<String, Map<String, Object>> planners = new java.util.LinkedHashMap<>();
        resources.forEach((id, resource) -> {
            if (id.startsWith("Planner")) {
                planners.put(id, resource);
            }
        });
        return planners;
    }
}

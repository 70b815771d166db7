package dev.sliceflow.infra;

import static dev.sliceflow.infra.Templates.actions;
import static dev.sliceflow.infra.Templates.allowStatements;
import static dev.sliceflow.infra.Templates.list;
import static dev.sliceflow.infra.Templates.map;
import static dev.sliceflow.infra.Templates.one;
import static dev.sliceflow.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack with every optional setting given: cross-account role, warehouse secret, VPC, alarm topic, sizes, and
 * the scheduled planner.
 */
class ConfiguredStackTest {
    static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123";
    static final String TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:oncall";

    private static SliceflowStack stack;
    private static Template template;

    @BeforeAll
    static void synth() {
        stack = TestStacks.stack(Map.ofEntries(
                Map.entry("prefix", "acme-elt"),
                Map.entry("architecture", "x86_64"),
                Map.entry("runtime", "java21"),
                Map.entry("workerMemoryMb", "3008"),
                Map.entry("workerTimeoutMinutes", "10"),
                Map.entry("workerMaxConcurrency", "250"),
                Map.entry("loaderMemoryMb", 2048),
                Map.entry("loaderTimeoutMinutes", 5),
                Map.entry("loaderMaxConcurrency", 4),
                Map.entry("deadlineMarginSeconds", "90"),
                Map.entry("roleName", "SliceflowReadOnly"),
                Map.entry("externalId", "acme-7f3a"),
                Map.entry("warehouseUrl", "jdbc:postgresql://db.internal:5432/elt"),
                Map.entry("deleteRemovedSlices", "true"),
                Map.entry("warehouseSecretArn", SECRET_ARN),
                Map.entry("vpcId", "vpc-0a1b2c3d"),
                Map.entry("subnetIds", "subnet-0aa11111, subnet-0bb22222"),
                Map.entry("securityGroupIds", List.of("sg-0cc33333")),
                Map.entry("stagingExpiryDays", "7"),
                Map.entry("logRetentionDays", "90"),
                Map.entry("queueAgeAlarmMinutes", "30"),
                Map.entry("alarmTopicArn", TOPIC_ARN),
                Map.entry("schedule", "rate(6 hours)"),
                Map.entry("scheduleSpecKey", "specs/acme/hourly.yaml"),
                Map.entry("discovery", "true"),
                Map.entry("plannerMemoryMb", "2048"),
                Map.entry("plannerTimeoutMinutes", 10)));
        template = Template.fromStack(stack);
    }

    @Test
    void stack_whenPrefixSet_namesStackQueuesAndFunctionsAfterIt() {
        assertThat(stack.getStackName()).isEqualTo("acme-elt");
        assertThat(template.findResources("AWS::CloudWatch::Alarm").values().stream()
                .map(a -> properties(a).get("AlarmName").toString()).toList()).allMatch(n -> n.startsWith("acme-elt-"));
        assertThat(function("acme-elt-worker")).isNotNull();
        assertThat(function("acme-elt-loader")).isNotNull();
    }

    @Test
    void functions_whenSized_useTheGivenArchitectureRuntimeMemoryAndTimeout() {
        assertThat(function("acme-elt-worker")).containsEntry("Architectures", List.of("x86_64"))
                .containsEntry("Runtime", "java21").containsEntry("MemorySize", 3008).containsEntry("Timeout", 600);
        assertThat(function("acme-elt-loader")).containsEntry("Architectures", List.of("x86_64"))
                .containsEntry("MemorySize", 2048).containsEntry("Timeout", 300);
        assertThat(function("acme-elt-planner")).containsEntry("Architectures", List.of("x86_64"))
                .containsEntry("Runtime", "java21").containsEntry("MemorySize", 2048).containsEntry("Timeout", 600)
                .doesNotContainKey("VpcConfig");
    }

    @Test
    void planner_whenScheduleSet_runsOnItWithTheGivenSpecKey() {
        template.hasResourceProperties("AWS::Events::Rule", Match.objectLike(Map.of(
                "Name", "acme-elt-planner",
                "ScheduleExpression", "rate(6 hours)",
                "Targets", List.of(Match.objectLike(Map.of("InputTransformer", Match.objectLike(Map.of(
                        "InputTemplate", Match.stringLikeRegexp(".*\"specKey\":\"specs/acme/hourly.yaml\".*"))))))
        )));
    }

    @Test
    void planner_whenDiscoveryOn_listsTheOrganizationAndAssumesOnlyTheConfiguredRole() {
        List<Map<String, Object>> statements = allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith("PlannerRole")).toList();
        assertThat(statements).anySatisfy(s -> {
            assertThat(actions(s)).containsExactlyInAnyOrder("organizations:ListAccounts",
                    "organizations:ListAccountsForParent", "organizations:ListChildren");
            assertThat(s.get("Resource")).isEqualTo("*");
        });
        assertThat(statements).anySatisfy(s -> {
            assertThat(actions(s)).containsExactly("sts:AssumeRole");
            assertThat(s.get("Resource").toString()).contains(":iam::*:role/SliceflowReadOnly");
            assertThat(s.get("Condition")).isEqualTo(Map.of("StringEquals", Map.of("sts:ExternalId", "acme-7f3a")));
        });
        assertThat(statements).noneMatch(s -> actions(s).contains("ec2:DescribeRegions"));
        // the member roles must trust the planner too: the stack says which principal
        assertThat(map(template.findOutputs("PlannerRoleArn").get("PlannerRoleArn")).get("Value").toString())
                .contains("PlannerRole");
        template.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "FunctionName", "acme-elt-planner",
                "Environment", Map.of("Variables", Match.objectLike(Map.of(
                        "SLICEFLOW_ROLE_NAME", "SliceflowReadOnly", "SLICEFLOW_EXTERNAL_ID", "acme-7f3a"))))));
    }

    @Test
    void queues_whenTimeoutsChange_keepVisibilityAtSixTimesTheTimeout() {
        assertThat(queue("acme-elt-sync")).containsEntry("VisibilityTimeout", 3600);
        assertThat(queue("acme-elt-load")).containsEntry("VisibilityTimeout", 1800 + 10);
    }

    @Test
    void eventSources_whenConcurrencySet_capInvocations() {
        List<Object> caps = template.findResources("AWS::Lambda::EventSourceMapping").values().stream()
                .map(m -> properties(m).get("ScalingConfig")).map(c -> map(c).get("MaximumConcurrency")).toList();
        assertThat(caps).containsExactlyInAnyOrder(250, 4);
    }

    @Test
    void workerPolicy_whenRoleNameSet_assumesThatRoleInAnyAccountWithTheExternalId() {
        List<Map<String, Object>> assume = allowStatements(template).stream()
                .filter(s -> actions(s).contains("sts:AssumeRole"))
                .filter(s -> s.get("_policy").toString().startsWith("SyncWorkerRole")).toList();
        assertThat(assume).hasSize(1);
        Map<String, Object> statement = assume.get(0);
        assertThat(statement.get("_policy").toString()).startsWith("SyncWorkerRole");
        assertThat(actions(statement)).containsExactly("sts:AssumeRole");
        assertThat(statement.get("Resource")).isEqualTo(Map.of("Fn::Join", List.of("", List.of(
                "arn:", Map.of("Ref", "AWS::Partition"), ":iam::*:role/SliceflowReadOnly"))));
        assertThat(statement.get("Condition"))
                .isEqualTo(Map.of("StringEquals", Map.of("sts:ExternalId", "acme-7f3a")));
    }

    @Test
    void workerEnvironment_whenRoleSet_carriesRoleExternalIdAndMargin() {
        assertThat(environment("acme-elt-worker"))
                .containsEntry("SLICEFLOW_ROLE_NAME", "SliceflowReadOnly")
                .containsEntry("SLICEFLOW_EXTERNAL_ID", "acme-7f3a")
                .containsEntry("SLICEFLOW_DEADLINE_MARGIN_SECONDS", "90");
    }

    @Test
    void loaderPolicy_whenSecretSet_readsExactlyThatSecret() {
        List<Map<String, Object>> secrets = allowStatements(template).stream()
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("secretsmanager:"))).toList();
        // the loader's and the reconciler's (which reads the same warehouse), nobody else's
        assertThat(secrets).hasSize(2).extracting(s -> s.get("_policy").toString().replaceAll("Role.*", "Role"))
                .containsExactlyInAnyOrder("LoadLoaderRole", "ReconcileRole");
        assertThat(secrets).allSatisfy(s -> {
            assertThat(actions(s))
                    .containsExactlyInAnyOrder("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret");
            assertThat(s.get("Resource")).isEqualTo(SECRET_ARN);
        });
        assertThat(environment("acme-elt-loader"))
                .containsEntry("SLICEFLOW_WAREHOUSE_SECRET_ARN", SECRET_ARN)
                .containsEntry("SLICEFLOW_WAREHOUSE_URL", "jdbc:postgresql://db.internal:5432/elt")
                .containsEntry("SLICEFLOW_DELETE_REMOVED_SLICES", "true");
    }

    @Test
    void loader_whenVpcSet_runsInTheGivenSubnetsAndSecurityGroups() {
        assertThat(function("acme-elt-loader")).containsEntry("VpcConfig", Map.of(
                "SubnetIds", List.of("subnet-0aa11111", "subnet-0bb22222"),
                "SecurityGroupIds", List.of("sg-0cc33333")));
        assertThat(function("acme-elt-worker")).doesNotContainKey("VpcConfig");
        List<Object> managed = list(one(template, "AWS::IAM::Role", "LoadLoaderRole").get("ManagedPolicyArns"));
        assertThat(managed).containsExactly(Map.of("Fn::Join", List.of("", List.of("arn:",
                Map.of("Ref", "AWS::Partition"), ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"))));
    }

    @Test
    void bucketAndLogs_whenRetentionSet_expireAndRetainAsConfigured() {
        List<Object> rules = list(map(one(template, "AWS::S3::Bucket", "Staging").get("LifecycleConfiguration"))
                .get("Rules"));
        assertThat(rules.stream().map(Templates::map).filter(r -> r.containsKey("Prefix"))
                .map(r -> r.get("ExpirationInDays")).toList()).containsExactly(7, 7, 7);
        assertThat(template.findResources("AWS::Logs::LogGroup").values())
                .allSatisfy(g -> assertThat(properties(g)).containsEntry("RetentionInDays", 90));
    }

    @Test
    void alarms_whenTopicSet_notifyItAndUseTheGivenAge() {
        // Six queue alarms, three per function (worker, loader, reconciler, planner), and the planner's three more.
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");
        assertThat(alarms).hasSize(21);
        template.resourceCountIs("AWS::SNS::Topic", 0);
        assertThat(alarms.values().stream().map(a -> properties(a).get("AlarmName")).toList())
                .contains("acme-elt-planner-errors", "acme-elt-planner-failed-invocations");
        assertThat(alarms.values()).allSatisfy(a -> assertThat(properties(a))
                .containsEntry("AlarmActions", List.of(TOPIC_ARN)));
        assertThat(alarms.values().stream().map(Templates::properties)
                .filter(p -> "ApproximateAgeOfOldestMessage".equals(p.get("MetricName")))
                .filter(p -> p.get("AlarmName").toString().endsWith("-oldest-message"))
                .map(p -> p.get("Threshold")).toList()).containsExactly(1800, 1800);
    }

    @Test
    void synth_whenSynthesized_leavesNoUnacknowledgedWarningOrError() {
        software.amazon.awscdk.assertions.Annotations annotations =
                software.amazon.awscdk.assertions.Annotations.fromStack(stack);
        annotations.hasNoWarning("*", Match.anyValue());
        annotations.hasNoError("*", Match.anyValue());
    }

    @Test
    void iamPolicies_whenEverythingConfigured_grantResourceStarOnlyWhereAwsRequiresIt() {
        // Grants AWS requires on Resource "*": ENI management for the loader in a VPC (the AWS-managed
        // AWSLambdaVPCAccessExecutionRole, acknowledged in QueueConsumer) and, with discovery, the planner's read-only
        // AWS Organizations List actions, which take no narrower resource (acknowledged in Planner).
        List<String> organizations = List.of("organizations:ListAccounts", "organizations:ListAccountsForParent",
                "organizations:ListChildren");
        assertThat(allowStatements(template)).isNotEmpty().allSatisfy(statement -> {
            if (list(statement.get("Resource")).contains("*")) {
                assertThat(statement.get("_policy").toString()).startsWith("PlannerRole");
                assertThat(actions(statement)).containsExactlyInAnyOrderElementsOf(organizations);
            }
            assertThat(actions(statement)).noneMatch(a -> a.equals("*") || a.endsWith(":*"));
        });
    }

    @Test
    void cdkNag_whenEverythingConfigured_leavesNoUnacknowledgedFinding() {
        assertThat(Templates.unacknowledgedFindings(stack)).isEmpty();
    }

    private static Map<String, Object> function(String name) {
        return template.findResources("AWS::Lambda::Function").values().stream().map(Templates::properties)
                .filter(p -> name.equals(p.get("FunctionName"))).findFirst()
                .orElseThrow(() -> new AssertionError("no function named " + name));
    }

    private static Map<String, Object> environment(String functionName) {
        return map(map(function(functionName).get("Environment")).get("Variables"));
    }

    private static Map<String, Object> queue(String name) {
        return properties(template.findResources("AWS::SQS::Queue").get(Templates.queueId(template, name)));
    }
}

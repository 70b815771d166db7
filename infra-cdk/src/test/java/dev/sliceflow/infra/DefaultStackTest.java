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
 * The stack with every setting at its default, a plain `cdk deploy`, whose destination is the lake: the properties
 * that correctness and security depend on (the lake's own in {@link LakeStackTest}). One synth, shared by every test;
 * it is also written to target/synth-check/expected-template.json, which synth-check.sh compares with what the CDK
 * CLI synthesizes from the same context. The PostgreSQL loader's permissions are checked on a second stack with
 * {@link TestStacks#WAREHOUSE_URL}.
 */
class DefaultStackTest {
    static final Path EXPECTED_TEMPLATE = Path.of("target/synth-check/expected-template.json");
    /** Every setting at its default: no destination given, so the lake; synth-check.sh passes the same. */
    static final Map<String, Object> CONTEXT = Map.of();

    private static SliceflowStack stack;
    private static Template template;
    /** The same stack with a PostgreSQL warehouse instead of the lake. */
    private static Template postgres;

    @BeforeAll
    static void synth() throws Exception {
        stack = TestStacks.stack(CONTEXT);
        template = Template.fromStack(stack);
        postgres = TestStacks.template(Map.of("warehouseUrl", TestStacks.WAREHOUSE_URL));
        Files.createDirectories(EXPECTED_TEMPLATE.getParent());
        Files.writeString(EXPECTED_TEMPLATE, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(template.toJSON()));
    }

    @Test
    void stack_whenDefaults_isNamedAfterPrefixAndHasOneOfEachPart() {
        assertThat(stack.getStackName()).isEqualTo("sliceflow");
        template.resourceCountIs("AWS::S3::Bucket", 1);
        template.resourceCountIs("AWS::SQS::Queue", 4);
        // Worker, loader, reconciler, and CDK's bucket-notifications handler.
        template.resourceCountIs("AWS::Lambda::Function", 4);
        template.resourceCountIs("AWS::Lambda::EventSourceMapping", 2);
        template.resourceCountIs("AWS::SNS::Topic", 1);
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        template.resourceCountIs("AWS::Glue::Database", 1);
        template.resourceCountIs("AWS::Athena::WorkGroup", 1);
        postgres.resourceCountIs("AWS::Glue::Database", 0);
        postgres.resourceCountIs("AWS::Athena::WorkGroup", 0);
    }

    @Test
    void bucket_whenSynthesized_isEncryptedPrivateAndRetained() {
        template.hasResource("AWS::S3::Bucket", Map.of(
                "DeletionPolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "BucketEncryption", Map.of("ServerSideEncryptionConfiguration", List.of(
                                Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration", Map.of("BlockPublicAcls", true, "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true, "RestrictPublicBuckets", true)))));
    }

    @Test
    void bucketPolicy_whenSynthesized_deniesEveryRequestWithoutTls() {
        template.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Effect", "Deny",
                        "Action", "s3:*",
                        "Principal", Map.of("AWS", "*"),
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
    }

    @Test
    void bucketLifecycle_whenDefaults_expiresDataManifestsAndSyncsAfter30DaysButNeverSpecs() {
        template.hasResourceProperties("AWS::S3::Bucket", Map.of("LifecycleConfiguration", Map.of("Rules",
                Match.arrayWith(List.of(
                        Match.objectLike(Map.of("Prefix", "data/", "ExpirationInDays", 30, "Status", "Enabled")),
                        Match.objectLike(Map.of("Prefix", "manifests/", "ExpirationInDays", 30, "Status", "Enabled")),
                        Match.objectLike(Map.of("Prefix", "syncs/", "ExpirationInDays", 30, "Status", "Enabled"))
                )))));
        // Specs are configuration: no rule may expire them, neither one on specs/ nor one on the whole bucket.
        List<Object> rules = list(map(one(template, "AWS::S3::Bucket", "Staging").get("LifecycleConfiguration"))
                .get("Rules"));
        // The lake is a destination: nothing expires it either; Athena's query results expire like staged objects.
        assertThat(rules.stream().map(Templates::map).filter(r -> r.containsKey("ExpirationInDays"))
                .map(r -> r.get("Prefix")).toList())
                .containsExactlyInAnyOrder("data/", "manifests/", "syncs/", "athena-results/");
    }

    @Test
    void planner_whenNoSchedule_isNotDeployed() {
        assertThat(template.findResources("AWS::Lambda::Function").values().stream()
                .map(f -> properties(f).get("Handler")).toList()).doesNotContain(Planner.HANDLER);
        // the reconciler's schedule is the only rule, invoking it alone
        for (String type : List.of("AWS::Events::Rule", "AWS::Lambda::Permission", "AWS::Lambda::EventInvokeConfig")) {
            assertThat(template.findResources(type).keySet()).as(type).singleElement()
                    .satisfies(id -> assertThat(id).startsWith("Reconcile"));
        }
        assertThat(template.findResources("AWS::Logs::LogGroup").values().stream()
                .map(g -> properties(g).get("LogGroupName")).toList()).doesNotContain("/aws/lambda/sliceflow-planner");
        assertThat(template.findResources("AWS::IAM::Role")).noneSatisfy((id, role) ->
                assertThat(id).startsWith("Planner"));
        assertThat(stack.planner()).isEmpty();
    }

    @Test
    void queues_whenSynthesized_areEncryptedAndDenyRequestsWithoutTls() {
        Map<String, Map<String, Object>> queues = template.findResources("AWS::SQS::Queue");
        assertThat(queues.values()).allSatisfy(q -> assertThat(properties(q)).containsEntry("SqsManagedSseEnabled", true));
        for (String queueId : queues.keySet()) {
            template.hasResourceProperties("AWS::SQS::QueuePolicy", Map.of(
                    "Queues", List.of(Map.of("Ref", queueId)),
                    "PolicyDocument", Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(Match.objectLike(
                            Map.of("Effect", "Deny", "Action", "sqs:*",
                                    "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
        }
    }

    @Test
    void workQueues_whenSynthesized_deadLetterAfterFiveReceivesToALongerLivedQueue() {
        for (String name : List.of("sliceflow-sync", "sliceflow-load")) {
            Map<String, Object> queue = queueNamed(name);
            Map<String, Object> redrive = map(queue.get("RedrivePolicy"));
            assertThat(redrive).containsEntry("maxReceiveCount", 5);
            Map<String, Object> dlq = properties(template.findResources("AWS::SQS::Queue")
                    .get(target(redrive.get("deadLetterTargetArn"))));
            assertThat(dlq).doesNotContainKey("QueueName");
            assertThat((Integer) dlq.get("MessageRetentionPeriod"))
                    .isEqualTo(14 * 24 * 3600)
                    .isGreaterThan((Integer) queue.get("MessageRetentionPeriod"));
        }
    }

    @Test
    void eventSources_whenSynthesized_haveVisibilityAtLeastSixTimesTheFunctionTimeout() {
        Map<String, Map<String, Object>> mappings = template.findResources("AWS::Lambda::EventSourceMapping");
        assertThat(mappings).hasSize(2);
        for (Map<String, Object> mapping : mappings.values()) {
            Map<String, Object> queue = properties(template.findResources("AWS::SQS::Queue")
                    .get(target(properties(mapping).get("EventSourceArn"))));
            Map<String, Object> function = functionBehind(properties(mapping));
            int window = (Integer) properties(mapping).getOrDefault("MaximumBatchingWindowInSeconds", 0);
            assertThat((Integer) queue.get("VisibilityTimeout"))
                    .as("visibility of %s", properties(mapping).get("EventSourceArn"))
                    .isGreaterThanOrEqualTo(6 * (Integer) function.get("Timeout") + window);
        }
        assertThat(queueNamed("sliceflow-sync")).containsEntry("VisibilityTimeout", 6 * 900);
        // six times the loader's timeout plus the 20 s the lake's mapping may hold a batch before invoking
        assertThat(queueNamed("sliceflow-load")).containsEntry("VisibilityTimeout", 6 * 600 + 20);
        assertThat(properties(postgres.findResources("AWS::SQS::Queue").get(Templates.queueId(postgres,
                "sliceflow-load")))).containsEntry("VisibilityTimeout", 6 * 600 + 10);
    }

    @Test
    void eventSources_whenSynthesized_reportBatchItemFailures() {
        assertThat(template.findResources("AWS::Lambda::EventSourceMapping").values()).hasSize(2).allSatisfy(m ->
                assertThat(properties(m)).containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures")));
    }

    @Test
    void eventSources_whenDefaults_giveTheWorkerOneSliceAndTheLakeLoaderBatchesOf1000Within20Seconds() {
        assertThat(mappingFor(template, "sliceflow-sync")).containsEntry("BatchSize", 1)
                .doesNotContainKey("MaximumBatchingWindowInSeconds");
        assertThat(mappingFor(template, "sliceflow-load")).containsEntry("BatchSize", 1000)
                .containsEntry("MaximumBatchingWindowInSeconds", 20);
        // a warehouse's loader: the same batch, sooner
        assertThat(mappingFor(postgres, "sliceflow-load")).containsEntry("BatchSize", 1000)
                .containsEntry("MaximumBatchingWindowInSeconds", 10);
    }

    @Test
    void queues_whenSynthesized_haveNoFixedNamesSoADestroyThenDeployWorks() {
        assertThat(template.findResources("AWS::SQS::Queue").values()).hasSize(4)
                .allSatisfy(q -> assertThat(properties(q)).doesNotContainKey("QueueName"));
    }

    @Test
    void eventSources_whenDefaults_capWorkerAt100AndLoaderAt2() {
        assertThat(mappingFor(template, "sliceflow-sync")).containsEntry("ScalingConfig", Map.of("MaximumConcurrency", 100));
        assertThat(mappingFor(template, "sliceflow-load")).containsEntry("ScalingConfig", Map.of("MaximumConcurrency", 2));
    }

    @Test
    void eventSources_whenSynthesized_invokeTheLiveAliasOfASnapStartVersion() {
        for (Map<String, Object> mapping : template.findResources("AWS::Lambda::EventSourceMapping").values()) {
            String aliasId = aliasOf(properties(mapping));
            Map<String, Object> alias = properties(template.findResources("AWS::Lambda::Alias").get(aliasId));
            assertThat(alias).containsEntry("Name", "live");
            String versionId = target(alias.get("FunctionVersion"));
            assertThat(template.findResources("AWS::Lambda::Version")).containsKey(versionId);
            Map<String, Object> version = properties(template.findResources("AWS::Lambda::Version").get(versionId));
            assertThat(target(version.get("FunctionName"))).isEqualTo(target(alias.get("FunctionName")));
            Map<String, Object> function = properties(template.findResources("AWS::Lambda::Function")
                    .get(target(alias.get("FunctionName"))));
            assertThat(function).containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
        }
    }

    @Test
    void functions_whenDefaults_runJava25OnArm64WithTheirHandlersAndLimits() {
        assertThat(function("sliceflow-worker"))
                .containsEntry("Runtime", "java25")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("Handler", "dev.sliceflow.worker.WorkerHandler::handleRequest")
                .containsEntry("MemorySize", 1769)
                .containsEntry("Timeout", 900)
                .containsEntry("EphemeralStorage", Map.of("Size", 512));
        assertThat(function("sliceflow-loader"))
                .containsEntry("Runtime", "java25")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("Handler", "dev.sliceflow.loader.LoaderHandler::handleRequest")
                .containsEntry("MemorySize", 3008)
                .containsEntry("Timeout", 600)
                .containsEntry("EphemeralStorage", Map.of("Size", 512))
                .doesNotContainKey("VpcConfig");
    }

    @Test
    void workerEnvironment_whenDefaults_pointsAtTheBucketItsQueueAndItsDlq() {
        Map<String, Object> env = environment("sliceflow-worker");
        String bucketId = Templates.logicalId(template, "AWS::S3::Bucket", "Staging");
        assertThat(env).containsEntry("SLICEFLOW_BUCKET", Map.of("Ref", bucketId))
                .containsEntry("SLICEFLOW_SYNC_QUEUE_URL", Map.of("Ref", queueId("sliceflow-sync")))
                .containsEntry("SLICEFLOW_SYNC_DLQ_URL", Map.of("Ref", queueId("sliceflow-sync-dlq")))
                .containsEntry("SLICEFLOW_DEADLINE_MARGIN_SECONDS", "60")
                .doesNotContainKeys("SLICEFLOW_ROLE_NAME", "SLICEFLOW_EXTERNAL_ID");
    }

    @Test
    void loaderEnvironment_whenDefaults_keepsRowsOfRemovedSlices() {
        assertThat(environment("sliceflow-loader")).doesNotContainKey("SLICEFLOW_DELETE_REMOVED_SLICES")
                .containsKey("SLICEFLOW_LOAD_DLQ_URL");
    }

    @Test
    void loaderEnvironment_whenDefaults_pointsAtTheBucketItsDlqAndTheLakeOnly() {
        String bucketId = Templates.logicalId(template, "AWS::S3::Bucket", "Staging");
        assertThat(environment("sliceflow-loader"))
                .containsOnlyKeys("SLICEFLOW_BUCKET", "SLICEFLOW_LOAD_DLQ_URL", "SLICEFLOW_WAREHOUSE_URL")
                .containsEntry("SLICEFLOW_WAREHOUSE_URL", Map.of("Fn::Join", List.of("", List.of(
                        "iceberg:glue?warehouse=s3://", Map.of("Ref", bucketId), "/lake/&namespace=sliceflow"))))
                .containsEntry("SLICEFLOW_LOAD_DLQ_URL", Map.of("Ref", queueId("sliceflow-load-dlq")));
    }

    @Test
    void notification_whenSynthesized_sendsOnlyCreatedManifestsToTheLoadQueue() {
        Map<String, Object> notifications = one(template, "Custom::S3BucketNotifications", "Staging");
        List<Object> configurations = list(map(notifications.get("NotificationConfiguration")).get("QueueConfigurations"));
        assertThat(configurations).hasSize(1);
        Map<String, Object> configuration = map(configurations.get(0));
        assertThat(configuration).containsEntry("Events", List.of("s3:ObjectCreated:*"));
        assertThat(target(configuration.get("QueueArn"))).isEqualTo(queueId("sliceflow-load"));
        assertThat(list(map(map(configuration.get("Filter")).get("Key")).get("FilterRules")))
                .containsExactlyInAnyOrder(Map.of("Name", "prefix", "Value", "manifests/"),
                        Map.of("Name", "suffix", "Value", ".json"));
        assertThat(map(notifications.get("NotificationConfiguration"))).doesNotContainKeys(
                "LambdaFunctionConfigurations", "TopicConfigurations");
    }

    @Test
    void iamPolicies_whenSynthesized_grantNoWildcardServiceActionAndNoResourceStar() {
        // Every Allow in the stack's own policies names a resource: the bucket, a prefix of it, a queue, a log group
        // or a role. AWS requires Resource "*" only for the ENI actions of a function in a VPC, which come with the
        // AWS-managed AWSLambdaVPCAccessExecutionRole (ConfiguredStackTest), not with a statement here.
        assertThat(allowStatements(template)).isNotEmpty().allSatisfy(statement -> {
            assertThat(actions(statement)).as("actions in %s", statement.get("_policy"))
                    .noneMatch(a -> a.equals("*") || a.endsWith(":*"));
            assertThat(list(statement.get("Resource"))).as("resources in %s", statement.get("_policy"))
                    .doesNotContain("*");
        });
    }

    @Test
    void workerPolicy_whenSynthesized_putsOnlyUnderDataAndManifestsAndReadsNothing() {
        List<Map<String, Object>> s3 = s3Statements(template, "SyncWorkerRole");
        assertThat(s3).isNotEmpty().allSatisfy(statement -> {
            assertThat(actions(statement)).contains("s3:PutObject")
                    .noneMatch(a -> a.startsWith("s3:Get") || a.startsWith("s3:Delete") || a.startsWith("s3:List"));
        });
        assertThat(s3.stream().flatMap(s -> list(s.get("Resource")).stream()).map(DefaultStackTest::prefixOf)
                .toList()).containsExactlyInAnyOrder("/data/*", "/manifests/*");
        assertThat(allowStatements(template)).filteredOn(s -> s.get("_policy").toString().startsWith("SyncWorkerRole"))
                .noneMatch(s -> actions(s).contains("sts:AssumeRole"));
    }

    @Test
    void workerPolicy_whenSynthesized_sendsOnlyToItsOwnQueueAndDlq() {
        List<String> sendTargets = allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith("SyncWorkerRole"))
                .filter(s -> actions(s).contains("sqs:SendMessage"))
                .map(s -> target(s.get("Resource"))).toList();
        assertThat(sendTargets).containsExactlyInAnyOrder(queueId("sliceflow-sync"), queueId("sliceflow-sync-dlq"));
    }

    @Test
    void loaderPolicy_whenTheLake_readsDataManifestsAndPlansAndWritesOnlyUnderLake() {
        List<Map<String, Object>> s3 = s3Statements(template, "LoadLoaderRole");
        assertThat(s3.stream().flatMap(s -> list(s.get("Resource")).stream())
                .filter(r -> !map(r).containsKey("Fn::GetAtt")).map(DefaultStackTest::prefixOf).toList())
                .containsExactlyInAnyOrder("/data/*", "/manifests/*", "/syncs/*/plan.json", "/lake/*");
        assertThat(s3).filteredOn(s -> actions(s).stream().anyMatch(a -> a.startsWith("s3:Put")
                        || a.startsWith("s3:Delete") || a.startsWith("s3:Abort")))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(list(s.get("Resource")).stream()
                        .filter(r -> !map(r).containsKey("Fn::GetAtt")).map(DefaultStackTest::prefixOf).toList())
                        .containsOnly("/lake/*"));
        assertThat(allowStatements(template)).filteredOn(s -> s.get("_policy").toString().startsWith("LoadLoaderRole"))
                .noneMatch(s -> actions(s).stream().anyMatch(a -> a.startsWith("secretsmanager:")));
    }

    @Test
    void loaderPolicy_whenAWarehouse_readsOnlyDataManifestsAndPlansAndWritesNothing() {
        Template template = postgres;
        List<Map<String, Object>> s3 = s3Statements(template, "LoadLoaderRole");
        assertThat(s3).isNotEmpty().allSatisfy(statement -> assertThat(actions(statement))
                .contains("s3:GetObject*")
                .noneMatch(a -> a.startsWith("s3:Put") || a.startsWith("s3:Delete") || a.startsWith("s3:Abort")));
        assertThat(s3.stream().flatMap(s -> list(s.get("Resource")).stream())
                .filter(r -> !map(r).containsKey("Fn::GetAtt")).map(DefaultStackTest::prefixOf).toList())
                .containsExactlyInAnyOrder("/data/*", "/manifests/*", "/syncs/*/plan.json");
        List<String> sendTargets = allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith("LoadLoaderRole"))
                .filter(s -> actions(s).contains("sqs:SendMessage"))
                .map(s -> target(s.get("Resource"))).toList();
        assertThat(sendTargets).containsExactly(Templates.queueId(template, "sliceflow-load-dlq"));
        assertThat(allowStatements(template)).filteredOn(s -> s.get("_policy").toString().startsWith("LoadLoaderRole"))
                .noneMatch(s -> actions(s).stream().anyMatch(a -> a.startsWith("secretsmanager:")
                        || a.startsWith("glue:")));
    }

    @Test
    void reconciler_whenDefaults_runsEvery30MinutesWithTheLoadQueueAndTheWarehouseOnly() {
        assertThat(function("sliceflow-reconciler"))
                .containsEntry("Handler", "dev.sliceflow.loader.ReconcilerHandler::handleRequest")
                .containsEntry("Runtime", "java25")
                .containsEntry("Timeout", 300)
                .doesNotContainKeys("SnapStart", "VpcConfig");
        assertThat(environment("sliceflow-reconciler"))
                .containsOnlyKeys("SLICEFLOW_BUCKET", "SLICEFLOW_LOAD_QUEUE_URL", "SLICEFLOW_WAREHOUSE_URL")
                .containsEntry("SLICEFLOW_LOAD_QUEUE_URL", Map.of("Ref", queueId("sliceflow-load")))
                // the same destination as the loader's: by default the lake
                .containsEntry("SLICEFLOW_WAREHOUSE_URL", environment("sliceflow-loader").get("SLICEFLOW_WAREHOUSE_URL"));
        Map<String, Object> rule = Templates.one(template, "AWS::Events::Rule", "Reconcile");
        assertThat(rule).containsEntry("ScheduleExpression", "rate(30 minutes)").containsEntry("State", "ENABLED");
        String functionId = Templates.logicalId(template, "AWS::Lambda::Function", "ReconcileFunction");
        assertThat(target(map(list(rule.get("Targets")).get(0)).get("Arn"))).isEqualTo(functionId);
        assertThat(Templates.one(template, "AWS::Lambda::EventInvokeConfig", "Reconcile"))
                .containsEntry("MaximumRetryAttempts", 0);
        assertThat(template.findResources("AWS::CloudWatch::Alarm").values().stream()
                .map(a -> properties(a).get("AlarmName")).toList()).contains("sliceflow-reconciler-errors",
                "sliceflow-reconciler-throttles", "sliceflow-reconciler-near-timeout");
        assertThat(template.findResources("AWS::Logs::LogGroup").values().stream()
                .map(g -> properties(g).get("LogGroupName")).toList()).contains("/aws/lambda/sliceflow-reconciler");
    }

    @Test
    void reconcilerPolicy_whenSynthesized_listsManifestsOnlyReadsNoObjectAndSendsToTheLoadQueueOnly() {
        List<Map<String, Object>> s3 = s3Statements(template, "ReconcileRole").stream()
                // the lake's bookkeeping (read only: LakeStackTest)
                .filter(s -> !list(s.get("Resource")).toString().contains("/lake/")).toList();
        assertThat(s3).singleElement().satisfies(statement -> {
            assertThat(actions(statement)).containsExactly("s3:ListBucket");
            assertThat(map(map(statement.get("Condition")).get("StringLike")))
                    .containsEntry("s3:prefix", List.of("manifests/", "manifests/*"));
        });
        List<Map<String, Object>> ours = allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith("ReconcileRole")).toList();
        assertThat(ours.stream().filter(s -> actions(s).contains("sqs:SendMessage"))
                .map(s -> target(s.get("Resource"))).toList()).containsExactly(queueId("sliceflow-load"));
        assertThat(ours).flatExtracting(Templates::actions).allMatch(a -> a.equals("s3:ListBucket")
                || a.startsWith("sqs:SendMessage") || a.startsWith("sqs:GetQueue") || a.startsWith("logs:")
                || a.startsWith("s3:GetObject") || a.startsWith("s3:GetBucket") || a.equals("s3:List*")
                || a.equals("glue:GetDatabase") || a.equals("glue:GetTable") || a.equals("glue:GetTables"));
    }

    @Test
    void executionRoles_whenSynthesized_useNoManagedPolicies() {
        for (String role : List.of("SyncWorkerRole", "LoadLoaderRole")) {
            assertThat(one(template, "AWS::IAM::Role", role)).doesNotContainKey("ManagedPolicyArns");
        }
    }

    @Test
    void logGroups_whenDefaults_keepLogsFor30Days() {
        Map<String, Map<String, Object>> groups = template.findResources("AWS::Logs::LogGroup");
        assertThat(groups).hasSize(4);
        assertThat(groups.values()).allSatisfy(g -> assertThat(properties(g)).containsEntry("RetentionInDays", 30));
        assertThat(function("sliceflow-worker")).containsEntry("LoggingConfig", Map.of(
                "LogGroup", Map.of("Ref", Templates.logicalId(template, "AWS::Logs::LogGroup", "SyncWorkerLogs")),
                "LogFormat", "JSON", "ApplicationLogLevel", "INFO", "SystemLogLevel", "INFO"));
    }

    @Test
    void logGroups_whenSynthesized_coverEveryFunctionCdksNotificationHandlerIncluded() {
        Map<String, Map<String, Object>> functions = template.findResources("AWS::Lambda::Function");
        assertThat(functions).hasSize(4);
        Map<String, Map<String, Object>> groups = template.findResources("AWS::Logs::LogGroup");
        assertThat(functions).allSatisfy((id, f) -> {
            Map<String, Object> logging = map(properties(f).get("LoggingConfig"));
            assertThat(groups).as("log group of %s", id).containsKey(target(logging.get("LogGroup")));
        });
        String handler = functions.keySet().stream().filter(id -> id.startsWith("BucketNotificationsHandler"))
                .findFirst().orElseThrow();
        String group = target(map(properties(functions.get(handler)).get("LoggingConfig")).get("LogGroup"));
        assertThat(properties(groups.get(group))).containsEntry("LogGroupName", "/aws/lambda/sliceflow-bucket-notifications")
                .containsEntry("RetentionInDays", 30);
    }

    @Test
    void alarms_whenSynthesized_fireOnAnyDeadLetterOnOldMessagesAndBeforeDeadLettersExpire() {
        for (String dlq : List.of("sliceflow-sync-dlq", "sliceflow-load-dlq")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                    "AlarmName", dlq + "-not-empty",
                    "MetricName", "ApproximateNumberOfMessagesVisible",
                    "Namespace", "AWS/SQS",
                    "Dimensions", queueDimension(dlq),
                    "ComparisonOperator", "GreaterThanThreshold",
                    "Threshold", 0,
                    "TreatMissingData", "notBreaching")));
            // The DLQ's age counts from the move; expiry from the original enqueue, up to the source queue's 4 days
            // earlier: 14 days of DLQ retention less those 4 less 3 days' warning.
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                    "AlarmName", dlq + "-expiring",
                    "MetricName", "ApproximateAgeOfOldestMessage",
                    "Dimensions", queueDimension(dlq),
                    "ComparisonOperator", "GreaterThanThreshold",
                    "Threshold", 7 * 24 * 3600)));
        }
        for (String queue : List.of("sliceflow-sync", "sliceflow-load")) {
            template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                    "AlarmName", queue + "-oldest-message",
                    "MetricName", "ApproximateAgeOfOldestMessage",
                    "Dimensions", queueDimension(queue),
                    "ComparisonOperator", "GreaterThanThreshold",
                    "Threshold", 3600)));
        }
    }

    @Test
    void alarmsExpiring_whenAMessageSpentTheSourceRetentionBeforeItsMove_stillFireWithTheWarningLeft() {
        // Worst case: dead-lettered just before it would have expired in the source queue (4 days after enqueue).
        // Its DLQ age reaches the threshold when it has DLQ retention - 4 days - threshold left: the 3-day warning.
        long sourceRetention = 4 * 24 * 3600;
        long dlqRetention = (Integer) queueNamed("sliceflow-sync-dlq").get("MessageRetentionPeriod");
        long threshold = QueueAlarms.expiringThresholdSeconds(WorkQueue.QUEUE_RETENTION);
        assertThat((Integer) queueNamed("sliceflow-sync").get("MessageRetentionPeriod")).isEqualTo(sourceRetention);
        assertThat(dlqRetention - sourceRetention - threshold).isEqualTo(3 * 24 * 3600);
    }

    @Test
    void functionAlarms_whenDefaults_watchErrorsThrottlesAndDurationNearTheTimeout() {
        for (String fn : List.of("sliceflow-worker", "sliceflow-loader")) {
            String id = Templates.logicalId(template, "AWS::Lambda::Function",
                    fn.endsWith("worker") ? "SyncWorkerFunction" : "LoadLoaderFunction");
            for (String metric : List.of("Errors", "Throttles")) {
                template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                        "AlarmName", fn + "-" + metric.toLowerCase(java.util.Locale.ROOT),
                        "Namespace", "AWS/Lambda", "MetricName", metric, "Statistic", "Sum", "Threshold", 0,
                        "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", id))))));
            }
        }
        // The worker commits 60 s before its 900 s timeout: past half of that margin it is about to be killed.
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmName", "sliceflow-worker-near-timeout", "MetricName", "Duration", "Statistic", "Maximum",
                "Threshold", 870_000)));
        template.hasResourceProperties("AWS::CloudWatch::Alarm", Match.objectLike(Map.of(
                "AlarmName", "sliceflow-loader-near-timeout", "MetricName", "Duration", "Statistic", "Maximum",
                "Threshold", 540_000)));
    }

    @Test
    void alarms_whenNoTopicGiven_allNotifyTheStacksOwnTlsOnlyTopic() {
        String topicId = Templates.logicalId(template, "AWS::SNS::Topic", "AlarmTopic");
        assertThat(properties(template.findResources("AWS::SNS::Topic").get(topicId)))
                .containsEntry("TopicName", "sliceflow-alarms");
        Map<String, Map<String, Object>> alarms = template.findResources("AWS::CloudWatch::Alarm");
        // Per queue pair: DLQ not empty, oldest message, DLQ expiring; per function (worker, loader, reconciler):
        // errors, throttles, near timeout.
        assertThat(alarms).hasSize(15);
        assertThat(alarms.values()).allSatisfy(a -> assertThat(properties(a))
                .containsEntry("AlarmActions", List.of(Map.of("Ref", topicId))));
        template.resourceCountIs("AWS::SNS::Subscription", 0);
    }

    @Test
    void dashboard_whenSynthesized_showsTheSyncsLifeFromTheFunctionsOwnMetricsAndTheQueues() throws Exception {
        Map<String, Object> dashboard = one(template, "AWS::CloudWatch::Dashboard", "Dashboard");
        assertThat(dashboard).containsEntry("DashboardName", "sliceflow");
        String body = new ObjectMapper().writeValueAsString(dashboard.get("DashboardBody"));
        for (String metric : List.of("SlicesEnqueued", "SlicesCommitted", "ManifestsLoaded", "FailedTables",
                "ManifestsRejected", "ManifestsStale", "Rows", "RowsLoaded", "Bytes", "Parts", "SliceSeconds",
                "LoadSeconds")) {
            assertThat(body).as("dashboard metric %s", metric).contains("\\\"" + metric + "\\\"");
        }
        // the namespace the functions write their EMF metrics in
        assertThat(SyncDashboard.NAMESPACE).isEqualTo(dev.sliceflow.metrics.Metrics.NAMESPACE);
        assertThat(body).contains("Sliceflow").contains("AWS/Lambda").contains("Duration").contains("AWS/SQS")
                .contains("ApproximateNumberOfMessagesVisible").contains("ApproximateAgeOfOldestMessage");
    }

    private static List<Map<String, Object>> queueDimension(String queueName) {
        return List.of(Map.of("Name", "QueueName", "Value", Map.of("Fn::GetAtt", List.of(queueId(queueName), "QueueName"))));
    }

    @Test
    void outputs_whenSynthesized_nameTheQueuesAndBucketAnOperatorNeeds() {
        assertThat(template.findOutputs("*").keySet()).containsExactlyInAnyOrderElementsOf(java.util.stream.Stream
                .concat(SliceflowStack.outputIds().stream(), SliceflowStack.LAKE_OUTPUT_IDS.stream()).toList());
        assertThat(postgres.findOutputs("*").keySet()).containsExactlyInAnyOrderElementsOf(SliceflowStack.outputIds());
    }

    @Test
    void synth_whenNoOneSubscribed_warnsOnlyThatAlarmsReachNoOne() {
        Templates.hasOnlyTheNoSubscriberWarning(stack);
    }

    @Test
    void cdkNag_whenDefaults_leavesNoUnacknowledgedFinding() {
        assertThat(Templates.unacknowledgedFindings(stack)).isEmpty();
    }

    private static Map<String, Object> queueNamed(String name) {
        return properties(template.findResources("AWS::SQS::Queue").get(queueId(name)));
    }

    private static String queueId(String name) {
        return Templates.queueId(template, name);
    }

    private static Map<String, Object> function(String name) {
        return template.findResources("AWS::Lambda::Function").values().stream().map(Templates::properties)
                .filter(p -> name.equals(p.get("FunctionName"))).findFirst()
                .orElseThrow(() -> new AssertionError("no function named " + name));
    }

    private static Map<String, Object> environment(String functionName) {
        return map(map(function(functionName).get("Environment")).get("Variables"));
    }

    private static Map<String, Object> mappingFor(Template template, String queueName) {
        String queue = Templates.queueId(template, queueName);
        return template.findResources("AWS::Lambda::EventSourceMapping").values().stream().map(Templates::properties)
                .filter(p -> queue.equals(target(p.get("EventSourceArn")))).findFirst().orElseThrow();
    }

    /**
     * The ESM's FunctionName is `<function name>:live`, built from the alias's Ref (its ARN): return that alias's
     * logical id, failing if the mapping targets an unqualified function.
     */
    private static String aliasOf(Map<String, Object> mapping) {
        assertThat(map(mapping.get("FunctionName")))
                .as("FunctionName of the mapping on %s: the alias <name>:live, not the unqualified function",
                        mapping.get("EventSourceArn"))
                .containsKey("Fn::Join");
        List<Object> join = list(map(mapping.get("FunctionName")).get("Fn::Join"));
        List<Object> parts = list(join.get(1));
        assertThat(parts).as("FunctionName of %s", mapping).hasSize(2).endsWith(":live");
        Map<String, Object> select = map(parts.get(0));
        Map<String, Object> split = map(list(select.get("Fn::Select")).get(1));
        String aliasId = target(list(split.get("Fn::Split")).get(1));
        assertThat(template.findResources("AWS::Lambda::Alias")).containsKey(aliasId);
        return aliasId;
    }

    private static Map<String, Object> functionBehind(Map<String, Object> mapping) {
        Map<String, Object> alias = properties(template.findResources("AWS::Lambda::Alias").get(aliasOf(mapping)));
        return properties(template.findResources("AWS::Lambda::Function").get(target(alias.get("FunctionName"))));
    }

    private static List<Map<String, Object>> s3Statements(Template template, String rolePrefix) {
        return allowStatements(template).stream()
                .filter(s -> s.get("_policy").toString().startsWith(rolePrefix))
                .filter(s -> actions(s).stream().anyMatch(a -> a.startsWith("s3:"))).toList();
    }

    /** `{"Fn::Join": ["", [{"Fn::GetAtt": [bucket, "Arn"]}, "/data/*"]]}` -> "/data/*" */
    private static String prefixOf(Object resource) {
        for (Object r : list(resource)) {
            Map<String, Object> m = map(r);
            if (m.containsKey("Fn::Join")) {
                List<Object> parts = list(list(m.get("Fn::Join")).get(1));
                assertThat(target(parts.get(0))).startsWith("Staging");
                return (String) parts.get(1);
            }
        }
        throw new AssertionError("no bucket prefix in " + resource);
    }
}

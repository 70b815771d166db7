package dev.sliceflow.infra;

import static dev.sliceflow.infra.Templates.list;
import static dev.sliceflow.infra.Templates.map;
import static dev.sliceflow.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The configurations docs/deploy.md shows, beyond the default: each synthesizes with no unacknowledged cdk-nag
 * finding or warning, and is written to target/synth-check/expected-&lt;name&gt;-template.json, which synth-check.sh
 * compares with the CDK CLI's synth of the same context and runs cfn-lint on. Keep {@link #VARIANTS}, synth-check.sh
 * and docs/deploy.md in step.
 */
class DocumentedVariantsTest {
    static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123";

    /** name -> context, as docs/deploy.md gives them with -c. */
    static final Map<String, Map<String, Object>> VARIANTS = variants();

    private static final Map<String, SliceflowStack> STACKS = new LinkedHashMap<>();
    private static final Map<String, Template> TEMPLATES = new LinkedHashMap<>();

    private static Map<String, Map<String, Object>> variants() {
        Map<String, Map<String, Object>> v = new LinkedHashMap<>();
        v.put("alarm-email", Map.of(
                "warehouseSecretArn", SECRET_ARN,
                "alarmEmail", "oncall@example.com"));
        v.put("vpc", Map.of(
                "warehouseSecretArn", SECRET_ARN,
                "vpcId", "vpc-0a1b2c3d4e5f67890",
                "subnetIds", "subnet-0a1b2c3d4e5f67890,subnet-0b2c3d4e5f6a7b8c9",
                "securityGroupIds", "sg-0c1d2e3f4a5b6c7d8",
                "vpcEndpoints", "true",
                "routeTableIds", "rtb-0d1e2f3a4b5c6d7e8",
                "tracing", "true",
                "alarmEmail", "oncall@example.com"));
        v.put("discovery", Map.of(
                "warehouseSecretArn", SECRET_ARN,
                "schedule", "cron(0 2 * * ? *)",
                "scheduleSpecKey", "specs/nightly.yaml",
                "discovery", "true",
                "roleName", "SliceflowReadOnly",
                "externalId", "acme-7f3a",
                "alarmEmail", "oncall@example.com"));
        return v;
    }

    static Path expectedTemplate(String name) {
        return Path.of("target/synth-check/expected-" + name + "-template.json");
    }

    /** The context as synth-check.sh passes it: key=value pairs joined by ';'. */
    static String cliContext(String name) {
        return VARIANTS.get(name).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .sorted().collect(Collectors.joining(";"));
    }

    @BeforeAll
    static void synth() throws Exception {
        for (Map.Entry<String, Map<String, Object>> variant : VARIANTS.entrySet()) {
            SliceflowStack stack = TestStacks.stack(variant.getValue());
            Template template = Template.fromStack(stack);
            STACKS.put(variant.getKey(), stack);
            TEMPLATES.put(variant.getKey(), template);
            Path file = expectedTemplate(variant.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsString(template.toJSON()));
        }
    }

    @Test
    void everyVariant_whenSynthesized_leavesNoUnacknowledgedFindingOrWarning() {
        STACKS.forEach((name, stack) -> {
            assertThat(Templates.unacknowledgedFindings(stack)).as("cdk-nag on %s", name).isEmpty();
            software.amazon.awscdk.assertions.Annotations annotations =
                    software.amazon.awscdk.assertions.Annotations.fromStack(stack);
            annotations.hasNoWarning("*", Match.anyValue());
            annotations.hasNoError("*", Match.anyValue());
        });
    }

    @Test
    void synthCheck_whenItListsTheVariants_passesTheSameContexts() throws Exception {
        String script = Files.readString(Path.of("synth-check.sh"));
        VARIANTS.keySet().forEach(name -> assertThat(script).as("synth-check.sh case %s", name)
                .contains("\"" + name + "|$dir/expected-" + name + "-template.json|" + cliContext(name) + "\""));
    }

    @Test
    void deployDoc_whenItShowsTheConfigurations_givesEverySettingAsTheTestsSynthesizeIt() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "deploy.md"));
        Map<String, Map<String, Object>> all = new LinkedHashMap<>(VARIANTS);
        all.put("default", DefaultStackTest.CONTEXT);
        all.put("scheduled", ScheduledStackTest.CONTEXT);
        all.forEach((name, context) -> context.forEach((key, value) -> assertThat(
                doc.contains("-c " + key + "=" + value) || doc.contains("-c '" + key + "=" + value + "'"))
                .as("docs/deploy.md shows -c %s=%s (configuration %s)", key, value, name).isTrue()));
        assertThat(doc).contains("| default |").contains("| scheduled |");
        VARIANTS.keySet().forEach(name -> assertThat(doc).as("configuration %s in docs/deploy.md", name)
                .contains("| " + name + " |"));
    }

    @Test
    void alarmEmail_whenSet_subscribesTheAddressToTheStacksTopic() {
        Template template = TEMPLATES.get("alarm-email");
        template.hasResourceProperties("AWS::SNS::Subscription", Map.of("Protocol", "email",
                "Endpoint", "oncall@example.com",
                "TopicArn", Map.of("Ref", Templates.logicalId(template, "AWS::SNS::Topic", "AlarmTopic"))));
    }

    @Test
    void vpc_whenEndpointsWanted_givesTheLoaderAPrivatePathToS3SqsSecretsManagerAndSts() {
        Template template = TEMPLATES.get("vpc");
        Map<String, Map<String, Object>> endpoints = template.findResources("AWS::EC2::VPCEndpoint");
        assertThat(endpoints).hasSize(4);
        Map<String, Object> s3 = endpoints.values().stream().map(Templates::properties)
                .filter(p -> "Gateway".equals(p.get("VpcEndpointType"))).findFirst().orElseThrow();
        assertThat(s3).containsEntry("VpcId", "vpc-0a1b2c3d4e5f67890")
                .containsEntry("RouteTableIds", List.of("rtb-0d1e2f3a4b5c6d7e8"));
        assertThat(s3.get("ServiceName").toString()).contains(".s3");
        List<Map<String, Object>> interfaces = endpoints.values().stream().map(Templates::properties)
                .filter(p -> "Interface".equals(p.get("VpcEndpointType"))).toList();
        assertThat(interfaces).hasSize(3).allSatisfy(p -> assertThat(p)
                .containsEntry("PrivateDnsEnabled", true)
                .containsEntry("SubnetIds", List.of("subnet-0a1b2c3d4e5f67890", "subnet-0b2c3d4e5f6a7b8c9")));
        assertThat(interfaces.stream().map(p -> p.get("ServiceName").toString()).toList())
                .anyMatch(n -> n.contains(".sqs"))
                .anyMatch(n -> n.contains(".secretsmanager"))
                .anyMatch(n -> n.contains(".sts"));
        // The endpoints' security group admits HTTPS from the loader's group, nothing else.
        Map<String, Object> group = Templates.one(template, "AWS::EC2::SecurityGroup", "LoadEndpoints");
        assertThat(list(group.get("SecurityGroupIngress"))).containsExactly(Map.of(
                "IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                "SourceSecurityGroupId", "sg-0c1d2e3f4a5b6c7d8",
                "Description", "HTTPS from the loader (sg-0c1d2e3f4a5b6c7d8)"));
    }

    @Test
    void vpc_whenTracingOn_tracesEveryFunctionOfOurs() {
        Template template = TEMPLATES.get("vpc");
        List<Map<String, Object>> ours = template.findResources("AWS::Lambda::Function").entrySet().stream()
                .filter(e -> !e.getKey().startsWith("BucketNotificationsHandler"))
                .map(e -> properties(e.getValue())).toList();
        assertThat(ours).hasSize(3).allSatisfy(f -> assertThat(f).containsEntry("TracingConfig",
                Map.of("Mode", "Active")));
    }

    @Test
    void discovery_whenScheduled_hasThePlannerAndItsTwoDeadLetterQueues() {
        Template template = TEMPLATES.get("discovery");
        template.resourceCountIs("AWS::Events::Rule", 2); // the planner's and the reconciler's
        template.resourceCountIs("AWS::SQS::Queue", 6);
        Map<String, Object> config = Templates.one(template, "AWS::Lambda::EventInvokeConfig", "Planner");
        assertThat(map(config.get("DestinationConfig"))).containsKey("OnFailure");
    }
}

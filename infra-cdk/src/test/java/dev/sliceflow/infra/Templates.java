package dev.sliceflow.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.PolicyValidationPluginReport;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/** Reading a synthesized template as plain maps, for assertions that span several resources. */
final class Templates {
    private Templates() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value instanceof List<?> l ? (List<Object>) l : List.of(value);
    }

    static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    /** The properties of the one resource of this type whose logical id starts with the prefix. */
    static Map<String, Object> one(Template template, String type, String logicalIdPrefix) {
        List<Map.Entry<String, Map<String, Object>>> matches = template.findResources(type).entrySet().stream()
                .filter(e -> e.getKey().startsWith(logicalIdPrefix)).toList();
        assertThat(matches).as("%s resources whose id starts with %s", type, logicalIdPrefix).hasSize(1);
        return properties(matches.get(0).getValue());
    }

    static String logicalId(Template template, String type, String logicalIdPrefix) {
        return template.findResources(type).keySet().stream().filter(k -> k.startsWith(logicalIdPrefix))
                .findFirst().orElseThrow(() -> new AssertionError("no " + type + " " + logicalIdPrefix + "*"));
    }

    /**
     * The logical id of a work queue by what it is (`<prefix>-sync`, `-sync-dlq`, `-load`, `-load-dlq`): queues have
     * no fixed SQS names (destroy-then-deploy), so tests find them by construct path.
     */
    static String queueId(Template template, String name) {
        String prefix;
        if (name.endsWith("-sync-dlq")) {
            prefix = "SyncSyncQueueDeadLetterQueue";
        } else if (name.endsWith("-load-dlq")) {
            prefix = "LoadLoadQueueDeadLetterQueue";
        } else if (name.endsWith("-sync")) {
            prefix = "SyncSyncQueue";
        } else if (name.endsWith("-load")) {
            prefix = "LoadLoadQueue";
        } else {
            throw new AssertionError("not a work queue: " + name);
        }
        // CDK drops the repeated "Queue" of <construct>/Queue: the id is the prefix and an 8-digit hash
        return template.findResources("AWS::SQS::Queue").keySet().stream()
                .filter(id -> id.matches(prefix + "[0-9A-F]{8}")).findFirst()
                .orElseThrow(() -> new AssertionError("no queue " + prefix + "<hash> for " + name));
    }

    /** The one warning a stack without an alarm subscriber has; anything else is unacknowledged. */
    static void hasOnlyTheNoSubscriberWarning(software.constructs.IConstruct stack) {
        software.amazon.awscdk.assertions.Annotations annotations =
                software.amazon.awscdk.assertions.Annotations.fromStack((software.amazon.awscdk.Stack) stack);
        List<software.amazon.awscdk.cxapi.SynthesisMessage> warnings = annotations.findWarning("*",
                software.amazon.awscdk.assertions.Match.anyValue());
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0).getEntry().getData().toString()).contains("No one is subscribed to the alarm topic")
                .contains("-c alarmEmail=");
        annotations.hasNoError("*", software.amazon.awscdk.assertions.Match.anyValue());
    }

    /** Logical id X of a `{"Fn::GetAtt": [X, attr]}` or a `{"Ref": X}`. */
    static String target(Object intrinsic) {
        Map<String, Object> m = map(intrinsic);
        if (m.containsKey("Ref")) {
            return (String) m.get("Ref");
        }
        return (String) list(m.get("Fn::GetAtt")).get(0);
    }

    /** Every Allow statement of every AWS::IAM::Policy, tagged with the policy's logical id. */
    static List<Map<String, Object>> allowStatements(Template template) {
        List<Map<String, Object>> statements = new ArrayList<>();
        template.findResources("AWS::IAM::Policy").forEach((id, resource) -> {
            Map<String, Object> document = map(properties(resource).get("PolicyDocument"));
            for (Object s : list(document.get("Statement"))) {
                Map<String, Object> statement = map(s);
                if ("Allow".equals(statement.get("Effect"))) {
                    Map<String, Object> tagged = new java.util.LinkedHashMap<>(statement);
                    tagged.put("_policy", id);
                    statements.add(tagged);
                }
            }
        });
        return statements;
    }

    static List<String> actions(Map<String, Object> statement) {
        return list(statement.get("Action")).stream().map(Object::toString).toList();
    }

    /** cdk-nag's AwsSolutions pack over the stack: the findings nobody acknowledged, one per line. */
    static String unacknowledgedFindings(IConstruct stack) {
        PolicyValidationPluginReport report = new AwsSolutionsChecks().validateScope(stack);
        return report.getViolations().stream()
                .map(v -> v.getRuleName() + " at " + v.getViolatingResources().stream()
                        .map(r -> r.getConstructPath()).toList() + ": " + v.getDescription())
                .collect(Collectors.joining("\n"));
    }
}

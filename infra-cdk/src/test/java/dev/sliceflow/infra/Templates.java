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

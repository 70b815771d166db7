package dev.sliceflow.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** Alarms to an email address: the stack makes its own TLS-only topic. */
class EmailAlarmStackTest {
    private static SliceflowStack stack;
    private static Template template;

    @BeforeAll
    static void synth() {
        stack = TestStacks.stack(TestStacks.withDestination(Map.of("alarmEmail", "oncall@example.com")));
        template = Template.fromStack(stack);
    }

    @Test
    void alarmTopic_whenEmailSet_isCreatedTlsOnlyAndSubscribed() {
        template.resourceCountIs("AWS::SNS::Topic", 1);
        template.hasResourceProperties("AWS::SNS::Subscription",
                Map.of("Protocol", "email", "Endpoint", "oncall@example.com"));
        template.hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Match.objectLike(Map.of(
                "Statement", Match.arrayWith(List.of(Match.objectLike(Map.of("Effect", "Deny",
                        "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false"))))))))));
        String topicId = Templates.logicalId(template, "AWS::SNS::Topic", "AlarmTopic");
        assertThat(template.findResources("AWS::CloudWatch::Alarm").values()).hasSize(15).allSatisfy(a ->
                assertThat(Templates.properties(a)).containsEntry("AlarmActions", List.of(Map.of("Ref", topicId))));
    }

    @Test
    void cdkNag_whenEmailTopic_leavesNoUnacknowledgedFinding() {
        assertThat(Templates.unacknowledgedFindings(stack)).isEmpty();
    }
}

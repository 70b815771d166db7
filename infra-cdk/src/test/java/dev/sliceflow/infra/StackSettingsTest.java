package dev.sliceflow.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.RetentionDays;

class StackSettingsTest {

    @Test
    void fromContext_whenEmpty_usesTheDocumentedDefaults() {
        StackSettings s = settings(Map.of());
        assertThat(s.prefix()).isEqualTo("sliceflow");
        assertThat(s.functionJar()).isEqualTo(Path.of("../function/target/sliceflow-function.jar"));
        assertThat(s.architecture()).isEqualTo(Architecture.ARM_64);
        assertThat(s.runtime().getName()).isEqualTo(Runtime.JAVA_25.getName());
        assertThat(s.workerMemoryMb()).isEqualTo(1769);
        assertThat(s.workerTimeoutMinutes()).isEqualTo(15);
        assertThat(s.workerMaxConcurrency()).isEqualTo(100);
        assertThat(s.loaderMemoryMb()).isEqualTo(1024);
        assertThat(s.loaderTimeoutMinutes()).isEqualTo(10);
        assertThat(s.loaderMaxConcurrency()).isEqualTo(2);
        assertThat(s.deadlineMarginSeconds()).isEqualTo(60);
        assertThat(s.stagingExpiryDays()).isEqualTo(30);
        assertThat(s.logRetention()).isEqualTo(RetentionDays.ONE_MONTH);
        assertThat(s.queueAgeAlarmMinutes()).isEqualTo(60);
        assertThat(s.roleName()).isEmpty();
        assertThat(s.externalId()).isEmpty();
        assertThat(s.warehouseSecretArn()).isEmpty();
        assertThat(s.vpc()).isEmpty();
        assertThat(s.alarmTopicArn()).isEmpty();
        assertThat(s.alarmEmail()).isEmpty();
        assertThat(s.planner()).isEmpty();
    }

    @Test
    void fromContext_whenScheduleAndSpecKeySet_configuresThePlannerWithDefaults() {
        assertThat(settings(Map.of("schedule", "cron(0 2 * * ? *)", "scheduleSpecKey", "specs/nightly.yaml"))
                .planner()).contains(new StackSettings.PlannerSchedule("cron(0 2 * * ? *)", "specs/nightly.yaml",
                1024, 5, false));
        assertThat(settings(Map.of("schedule", " rate(1 day) ", "scheduleSpecKey", "specs/team/a.yml",
                "plannerMemoryMb", "2048", "plannerTimeoutMinutes", 15, "discovery", "true")).planner()).contains(
                new StackSettings.PlannerSchedule("rate(1 day)", "specs/team/a.yml", 2048, 15, true));
    }

    @Test
    void fromContext_whenScheduleWithoutSpecKey_asksForTheSpecKey() {
        assertThatThrownBy(() -> settings(Map.of("schedule", "rate(1 day)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'schedule' is set without 'scheduleSpecKey'")
                .hasMessageContaining("-c scheduleSpecKey=specs/nightly.yaml");
    }

    @Test
    void fromContext_whenPlannerKeysWithoutSchedule_fails() {
        Map<String, Object> alone = Map.of("scheduleSpecKey", "specs/a.yaml", "plannerMemoryMb", "2048",
                "plannerTimeoutMinutes", "5");
        alone.forEach((key, value) -> assertThatThrownBy(() -> settings(Map.of(key, value)))
                .hasMessageContaining("'" + key + "' is set without 'schedule'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rate(1 minute)", "rate(5 minutes)", "rate(1 hour)", "rate(12 hours)", "rate(1 day)",
            "rate(10 days)", "cron(0 2 * * ? *)", "cron(0/15 8-18 ? * MON-FRI *)", "cron(30 6 L * ? 2027)",
            "cron(0 3 ? * 2#1 *)"})
    void fromContext_whenScheduleIsAnEventBridgeExpression_acceptsIt(String schedule) {
        assertThat(settings(Map.of("schedule", schedule, "scheduleSpecKey", "specs/a.yaml")).planner())
                .map(StackSettings.PlannerSchedule::expression).contains(schedule);
    }

    @ParameterizedTest
    @ValueSource(strings = {"daily", "rate(1 days)", "rate(2 minute)", "rate(0 minutes)", "rate(1 week)",
            "cron(0 2 * * *)", "cron(0 2 * * MON *)", "cron(0 2 ? * ? *)", "cron(0 2 * * ? * *)", "cron()",
            "CRON(0 2 * * ? *)", "at(2026-12-01T02:00:00)", "cron(0 2 * * ? $)"})
    void fromContext_whenScheduleIsNotAnEventBridgeExpression_explainsTheForms(String schedule) {
        assertThatThrownBy(() -> settings(Map.of("schedule", schedule, "scheduleSpecKey", "specs/a.yaml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Context key 'schedule' is '")
                .hasMessageContaining("rate(1 day)").hasMessageContaining("cron(0 2 * * ? *)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nightly.yaml", "/specs/nightly.yaml", "specs/", "specs/team/", "specs/../data/x.csv",
            "specs/a..yaml", "specs/a b.yaml", "data/specs/a.yaml"})
    void fromContext_whenSpecKeyIsNotAnObjectUnderSpecs_fails(String key) {
        assertThatThrownBy(() -> settings(Map.of("schedule", "rate(1 day)", "scheduleSpecKey", key)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'scheduleSpecKey' is '" + key + "'")
                .hasMessageContaining("under specs/");
    }

    @Test
    void fromContext_whenExternalIdWithoutRoleName_fails() {
        assertThatThrownBy(() -> settings(Map.of("externalId", "x")))
                .hasMessageContaining("'externalId' is set without 'roleName'");
    }

    @Test
    void fromContext_whenVpcIsPartial_namesAllThreeKeys() {
        assertThatThrownBy(() -> settings(Map.of("vpcId", "vpc-0abc", "subnetIds", "subnet-01")))
                .hasMessageContaining("'vpcId', 'subnetIds' and 'securityGroupIds'");
    }

    @Test
    void fromContext_whenVpcListsAreCommaSeparated_splitsAndTrimsThem() {
        StackSettings s = settings(Map.of("vpcId", "vpc-0abc", "subnetIds", "subnet-01, subnet-02 ,",
                "securityGroupIds", "sg-01"));
        assertThat(s.vpc()).contains(new StackSettings.VpcPlacement("vpc-0abc", java.util.List.of("subnet-01",
                "subnet-02"), java.util.List.of("sg-01")));
    }

    @Test
    void fromContext_whenArchitectureUnknown_namesTheAllowedValues() {
        assertThatThrownBy(() -> settings(Map.of("architecture", "arm")))
                .hasMessageContaining("'architecture' is 'arm'").hasMessageContaining("arm64 or x86_64");
    }

    @Test
    void fromContext_whenRuntimeUnknown_namesTheAllowedValues() {
        assertThatThrownBy(() -> settings(Map.of("runtime", "java17")))
                .hasMessageContaining("'runtime' is 'java17'").hasMessageContaining("java25 or java21");
    }

    @Test
    void fromContext_whenNumberMalformedOrOutOfRange_namesKeyAndBounds() {
        assertThatThrownBy(() -> settings(Map.of("workerMemoryMb", "lots")))
                .hasMessageContaining("'workerMemoryMb' is 'lots'");
        assertThatThrownBy(() -> settings(Map.of("workerTimeoutMinutes", "20")))
                .hasMessageContaining("'workerTimeoutMinutes' is 20: it must be between 1 and 15");
        assertThatThrownBy(() -> settings(Map.of("loaderMaxConcurrency", "1")))
                .hasMessageContaining("between 2 and 1000");
    }

    @Test
    void fromContext_whenDeadlineMarginNotShorterThanTimeout_fails() {
        assertThatThrownBy(() -> settings(Map.of("workerTimeoutMinutes", "1", "deadlineMarginSeconds", "60")))
                .hasMessageContaining("'deadlineMarginSeconds' is 60: it must be shorter than the worker's timeout");
        assertThat(settings(Map.of("workerTimeoutMinutes", "2", "deadlineMarginSeconds", "60"))
                .deadlineMarginSeconds()).isEqualTo(60);
    }

    @Test
    void fromContext_whenLogRetentionIsNotACloudWatchValue_listsTheAllowedOnes() {
        assertThatThrownBy(() -> settings(Map.of("logRetentionDays", "31")))
                .hasMessageContaining("'logRetentionDays' is 31").hasMessageContaining("30, 60");
        assertThat(settings(Map.of("logRetentionDays", 365)).logRetention()).isEqualTo(RetentionDays.ONE_YEAR);
    }

    @Test
    void fromContext_whenSecretArnIsPartial_asksForTheCompleteArn() {
        assertThatThrownBy(() -> settings(Map.of("warehouseSecretArn",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:warehouse")))
                .hasMessageContaining("'warehouseSecretArn'");
    }

    @Test
    void fromContext_whenBothAlarmTargetsSet_fails() {
        assertThatThrownBy(() -> settings(Map.of("alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:t",
                "alarmEmail", "a@example.com"))).hasMessageContaining("'alarmTopicArn' and 'alarmEmail'");
    }

    @Test
    void fromContext_whenRoleNameHasIllegalCharacters_fails() {
        assertThatThrownBy(() -> settings(Map.of("roleName", "a/b"))).hasMessageContaining("'roleName' is 'a/b'");
        assertThat(settings(Map.of("roleName", "Reader", "externalId", "e")).externalId()).isEqualTo(Optional.of("e"));
    }

    @Test
    void createStack_whenJarMissing_failsWithTheBuildCommand() {
        App app = App.Builder.create().context(Map.of("functionJar", "target/no-such.jar")).build();
        assertThatThrownBy(() -> SliceflowApp.createStack(app))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such.jar does not exist")
                .hasMessageContaining("./mvnw package")
                .hasMessageContaining("-c functionJar=");
        assertThat(app.getNode().getChildren()).isEmpty();
    }

    private static StackSettings settings(Map<String, Object> context) {
        return StackSettings.fromContext(App.Builder.create().context(context).build().getNode());
    }
}

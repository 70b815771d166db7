package dev.sliceflow.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
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
    }

    @Test
    void fromContext_whenScheduleSet_failsBecauseThePlannerIsNotBuilt() {
        assertThatThrownBy(() -> settings(Map.of("schedule", "rate(1 day)")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'schedule'").hasMessageContaining("planner is not built yet");
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

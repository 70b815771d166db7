package dev.sliceflow.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
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
        assertThat(s.alarmEmails()).isEmpty();
        assertThat(s.loadBatchSize()).isEqualTo(1000);
        assertThat(s.loadBatchWindowSeconds()).isEqualTo(10);
        assertThat(s.tracing()).isFalse();
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
        assertThatThrownBy(() -> settings(Map.of("vpcId", "vpc-0a1b2c3d", "subnetIds", "subnet-0a1b2c3d")))
                .hasMessageContaining("'vpcId', 'subnetIds' and 'securityGroupIds'");
    }

    @Test
    void fromContext_whenVpcListsAreCommaSeparated_splitsAndTrimsThem() {
        StackSettings s = settings(Map.of("vpcId", "vpc-0a1b2c3d", "subnetIds",
                "subnet-0a1b2c3d, subnet-0a1b2c3d4e5f67890 ,", "securityGroupIds", "sg-01234567"));
        assertThat(s.vpc()).contains(new StackSettings.VpcPlacement("vpc-0a1b2c3d", java.util.List.of(
                "subnet-0a1b2c3d", "subnet-0a1b2c3d4e5f67890"), java.util.List.of("sg-01234567")));
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
    void fromContext_whenTopicAndEmailsSet_subscribesEveryAddressToTheGivenTopic() {
        StackSettings s = settings(Map.of("alarmTopicArn", "arn:aws:sns:eu-west-1:123456789012:oncall",
                "alarmEmail", "a@example.com, b@example.org"));
        assertThat(s.alarmTopicArn()).contains("arn:aws:sns:eu-west-1:123456789012:oncall");
        assertThat(s.alarmEmails()).containsExactly("a@example.com", "b@example.org");
        assertThat(s.alarmsReachSomeone()).isTrue();
        assertThat(settings(Map.of()).alarmsReachSomeone()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:sns:eu-west-1:123456789012", "arn:aws:sns:eu-west-1:1234:t",
            "arn:aws:sqs:eu-west-1:123456789012:t", "arn:aws:sns:eu-west-1:123456789012:t.fifo", "oncall"})
    void fromContext_whenTopicArnIsNotAStandardTopicArn_namesKeyAndForm(String arn) {
        assertThatThrownBy(() -> settings(Map.of("alarmTopicArn", arn)))
                .hasMessageContaining("Context key 'alarmTopicArn' is '" + arn + "'")
                .hasMessageContaining("arn:aws:sns:<region>:<12-digit account>:<topic name>");
    }

    @Test
    void fromContext_whenAnEmailIsMalformed_namesKeyAndForm() {
        assertThatThrownBy(() -> settings(Map.of("alarmEmail", "a@example.com,oncall")))
                .hasMessageContaining("Context key 'alarmEmail' is 'oncall'")
                .hasMessageContaining("e-mail addresses, comma-separated");
    }

    @Test
    void fromContext_whenNoDestination_isTheLakeInDatabaseSliceflowWithTheLakeJarAndMoreMemory() {
        StackSettings settings = bare(Map.of());
        assertThat(settings.lake()).contains(new StackSettings.Lake("sliceflow",
                java.nio.file.Path.of("../lake/target/sliceflow-lake-loader.jar")));
        assertThat(settings.warehouseUrl()).isEmpty();
        assertThat(settings.loaderMemoryMb()).isEqualTo(3008);
        assertThat(bare(Map.of("lakeDatabase", "acme_inventory", "loaderMemoryMb", "2048")))
                .satisfies(s -> assertThat(s.lake().orElseThrow().database()).isEqualTo("acme_inventory"))
                .satisfies(s -> assertThat(s.loaderMemoryMb()).isEqualTo(2048));
        StackSettings postgres = bare(Map.of("warehouseSecretArn",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123"));
        assertThat(postgres.warehouseUrl()).isEmpty();
        assertThat(postgres.lake()).isEmpty();
        assertThat(postgres.loaderMemoryMb()).isEqualTo(1024);
        assertThat(settings).satisfies(s -> assertThat(s.loadBatchSize()).isEqualTo(1000))
                .satisfies(s -> assertThat(s.loadBatchWindowSeconds()).isEqualTo(20));
        assertThat(postgres).satisfies(s -> assertThat(s.loadBatchSize()).isEqualTo(1000))
                .satisfies(s -> assertThat(s.loadBatchWindowSeconds()).isEqualTo(10));
        assertThat(bare(Map.of("loadBatchSize", "250"))).satisfies(s -> assertThat(s.loadBatchSize()).isEqualTo(250));
    }

    @Test
    void fromContext_whenTheLakeDatabaseIsNotAnAthenaName_namesKeyAndForm() {
        for (String bad : List.of("Sliceflow", "slice-flow", "1lake", "_lake", "a".repeat(256))) {
            assertThatThrownBy(() -> bare(Map.of("lakeDatabase", bad)))
                    .hasMessageContaining("Context key 'lakeDatabase' is '" + bad + "'")
                    .hasMessageContaining("lowercase letters, digits or '_'");
        }
    }

    @Test
    void fromContext_whenLakeKeysComeWithAWarehouse_refuses() {
        assertThatThrownBy(() -> bare(Map.of("lakeDatabase", "x", "warehouseUrl", TestStacks.WAREHOUSE_URL)))
                .hasMessageContaining("Context key 'lakeDatabase' is set with a warehouse");
        assertThatThrownBy(() -> bare(Map.of("lakeLoaderJar", "x.jar", "warehouseUrl", TestStacks.WAREHOUSE_URL)))
                .hasMessageContaining("Context key 'lakeLoaderJar' is set with a warehouse");
    }

    @Test
    void fromContext_whenAVpcComesWithTheLake_refusesNamingTheWarehouseSettings() {
        assertThatThrownBy(() -> bare(Map.of("vpcId", "vpc-0a1b2c3d", "subnetIds", "subnet-0a1b2c3d",
                "securityGroupIds", "sg-0a1b2c3d")))
                .hasMessageContaining("no warehouse is configured: the destination is the lake")
                .hasMessageContaining("-c warehouseSecretArn=");
    }

    @Test
    void createStack_whenTheLakeJarIsMissing_failsWithTheBuildCommandAndThePostgresAlternative() {
        App app = App.Builder.create().context(Map.of("functionJar", TestStacks.dummyJar().toString(),
                "lakeLoaderJar", "target/no-such-lake.jar")).build();
        assertThatThrownBy(() -> SliceflowApp.createStack(app))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such-lake.jar does not exist")
                .hasMessageContaining("./mvnw package")
                .hasMessageContaining("-c lakeLoaderJar=")
                .hasMessageContaining("-c warehouseSecretArn=");
        assertThat(app.getNode().getChildren()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql://db:5432/x", "jdbc:duckdb:/tmp/w.duckdb", "jdbc:mysql://db/x",
            "jdbc:postgresql:db", "jdbc:postgresql:///x", "jdbc:postgresql://db host/x"})
    void fromContext_whenWarehouseUrlIsNotAPostgresJdbcUrl_namesKeyAndForm(String url) {
        assertThatThrownBy(() -> settings(Map.of("warehouseUrl", url)))
                .hasMessageContaining("Context key 'warehouseUrl' is '" + url + "'")
                .hasMessageContaining("jdbc:postgresql://<host>[:<port>]/<database>");
    }

    @Test
    void fromContext_whenWarehouseUrlCarriesAPassword_asksForTheSecret() {
        assertThatThrownBy(() -> settings(Map.of("warehouseUrl",
                "jdbc:postgresql://db:5432/x?user=u&Password=hunter2")))
                .hasMessageContaining("'warehouseUrl' carries a password")
                .hasMessageContaining("-c warehouseSecretArn=")
                .hasMessageNotContaining("hunter2");
        assertThat(settings(Map.of("warehouseUrl", "jdbc:postgresql://db.internal:6432/elt?sslmode=require"))
                .warehouseUrl()).contains("jdbc:postgresql://db.internal:6432/elt?sslmode=require");
    }

    @ParameterizedTest
    @ValueSource(strings = {"vpcId=vpc-0abc", "vpcId=vpc-0A1B2C3D", "vpcId=0a1b2c3d", "subnetIds=subnet-0aa",
            "subnetIds=subnet-0a1b2c3d4e5f6789", "securityGroupIds=sg-0cc", "securityGroupIds=sg-0a1b2c3g",
            "securityGroupIds=vpc-0a1b2c3d"})
    void fromContext_whenAnIdIsNotAnAwsId_namesKeyValueAndTheHexLengths(String keyValue) {
        String key = keyValue.substring(0, keyValue.indexOf('='));
        String value = keyValue.substring(keyValue.indexOf('=') + 1);
        Map<String, Object> context = new java.util.HashMap<>(Map.of("vpcId", "vpc-0a1b2c3d",
                "subnetIds", "subnet-0a1b2c3d", "securityGroupIds", "sg-0a1b2c3d"));
        context.put(key, value);
        assertThatThrownBy(() -> settings(context))
                .hasMessageContaining("Context key '" + key + "' is '" + value + "'")
                .hasMessageContaining("followed by 8 or 17 lowercase hex digits");
    }

    @Test
    void fromContext_whenVpcEndpointsWanted_needsRouteTablesAndAVpc() {
        Map<String, Object> vpc = Map.of("vpcId", "vpc-0a1b2c3d", "subnetIds", "subnet-0a1b2c3d",
                "securityGroupIds", "sg-0a1b2c3d");
        Map<String, Object> endpoints = new java.util.HashMap<>(vpc);
        endpoints.put("vpcEndpoints", "true");
        assertThatThrownBy(() -> settings(endpoints)).hasMessageContaining("'vpcEndpoints' is true without"
                + " 'routeTableIds'").hasMessageContaining("-c routeTableIds=rtb-");
        endpoints.put("routeTableIds", "rtb-0a1b2c3d, rtb-0a1b2c3d4e5f67890");
        assertThat(settings(endpoints).vpc()).map(StackSettings.VpcPlacement::routeTableIds)
                .contains(java.util.List.of("rtb-0a1b2c3d", "rtb-0a1b2c3d4e5f67890"));
        endpoints.put("routeTableIds", "rtb-1");
        assertThatThrownBy(() -> settings(endpoints)).hasMessageContaining("Context key 'routeTableIds' is 'rtb-1'");
        assertThatThrownBy(() -> settings(Map.of("vpcEndpoints", "true")))
                .hasMessageContaining("'vpcEndpoints' is set without a loader VPC");
    }

    @Test
    void fromContext_whenLoadBatchingSet_validatesRangesAndLambdasWindowRule() {
        StackSettings s = settings(Map.of("loadBatchSize", "500", "loadBatchWindowSeconds", 30));
        assertThat(s.loadBatchSize()).isEqualTo(500);
        assertThat(s.loadBatchWindowSeconds()).isEqualTo(30);
        assertThat(settings(Map.of("loadBatchSize", "10", "loadBatchWindowSeconds", "0")).loadBatchWindowSeconds())
                .isZero();
        assertThatThrownBy(() -> settings(Map.of("loadBatchSize", "11", "loadBatchWindowSeconds", "0")))
                .hasMessageContaining("'loadBatchWindowSeconds' is 0 with 'loadBatchSize' 11")
                .hasMessageContaining("at least 1 second when the batch size exceeds 10");
        assertThatThrownBy(() -> settings(Map.of("loadBatchSize", "10001")))
                .hasMessageContaining("'loadBatchSize' is 10001: it must be between 1 and 10000");
        assertThatThrownBy(() -> settings(Map.of("loadBatchSize", "0")))
                .hasMessageContaining("'loadBatchSize' is 0: it must be between 1 and 10000");
        assertThatThrownBy(() -> settings(Map.of("loadBatchWindowSeconds", "301")))
                .hasMessageContaining("'loadBatchWindowSeconds' is 301: it must be between 0 and 300");
    }

    @Test
    void fromContext_whenRoleNameHasIllegalCharacters_fails() {
        assertThatThrownBy(() -> settings(Map.of("roleName", "a/b"))).hasMessageContaining("'roleName' is 'a/b'");
        assertThat(settings(Map.of("roleName", "Reader", "externalId", "e")).externalId()).isEqualTo(Optional.of("e"));
    }

    @Test
    void createStack_whenJarMissing_failsWithTheBuildCommand() {
        App app = App.Builder.create().context(Map.of("functionJar", "target/no-such.jar",
                "warehouseUrl", TestStacks.WAREHOUSE_URL)).build();
        assertThatThrownBy(() -> SliceflowApp.createStack(app))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no-such.jar does not exist")
                .hasMessageContaining("./mvnw package")
                .hasMessageContaining("-c functionJar=");
        assertThat(app.getNode().getChildren()).isEmpty();
    }

    /** The settings of this context plus a destination (synth refuses a stack without one), unless it names one. */
    private static StackSettings settings(Map<String, Object> context) {
        return bare(TestStacks.withDestination(context));
    }

    private static StackSettings bare(Map<String, Object> context) {
        return StackSettings.fromContext(App.Builder.create().context(context).build().getNode());
    }
}

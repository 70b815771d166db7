package dev.sliceflow.source.aws;

import static dev.sliceflow.source.aws.AwsTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.source.Source;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import dev.sliceflow.testing.LocalS3;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The slice's credentials: AssumeRole parameters, the session used for every call, memoised failures. */
class SliceCredentialsTest {
    private static final String MEMBER = "210987654321";
    private final FakeAws fake = new FakeAws();

    SliceCredentialsTest() {
        AwsFixtures.install(fake);
        fake.on("sts", "AssumeRole", call -> Answer.xml("""
                <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
                <Credentials><AccessKeyId>ASIASESSION</AccessKeyId><SecretAccessKey>secret</SecretAccessKey>
                <SessionToken>token-1</SessionToken><Expiration>%s</Expiration></Credentials>
                <AssumedRoleUser><Arn>arn:aws:sts::210987654321:assumed-role/inventory/s</Arn>
                <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult>
                <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"""
                .formatted(Instant.now().plusSeconds(3600))));
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private static SyncRequest request(String syncId, Map<String, String> options) {
        return new SyncRequest(1, syncId, Instant.parse("2026-11-25T09:00:00Z"), new SourceSpec("aws", options),
                MEMBER, "eu-west-1", List.of("aws_ec2_*"), null, null, null, null);
    }

    @Test
    void open_whenARoleNameIsConfigured_assumesItInTheSliceAccountAndSignsEveryCallWithTheSession()
            throws Exception {
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.of("inventory"), Optional.of("ext-1"));
        try (Source source = factory.open(request("sync-1", Map.of()))) {
            assertThat(rows(source, "aws_ec2_vpcs")).hasSize(1);
            assertThat(rows(source, "aws_ec2_subnets")).hasSize(1);
        }
        List<FakeAws.Call> assume = fake.calls("sts", "AssumeRole");
        assertThat(assume).hasSize(1);
        assertThat(assume.get(0).params()).containsEntry("RoleArn", "arn:aws:iam::210987654321:role/inventory")
                .containsEntry("ExternalId", "ext-1").containsEntry("RoleSessionName", "sliceflow-sync-1")
                .containsEntry("DurationSeconds", "3600");
        // STS is called with the function's own credentials, in the function's region
        assertThat(assume.get(0).accessKeyId()).isEqualTo(LocalS3.ACCESS_KEY);
        assertThat(assume.get(0).header("Authorization")).contains("/us-east-1/sts/aws4_request");
        for (FakeAws.Call call : fake.calls().stream().filter(c -> c.service().equals("ec2")).toList()) {
            assertThat(call.accessKeyId()).isEqualTo("ASIASESSION");
            assertThat(call.header("X-Amz-Security-Token")).isEqualTo("token-1");
            assertThat(call.header("Authorization")).contains("/eu-west-1/ec2/aws4_request");
        }
    }

    @Test
    void open_whenOptionsNameRoleAndExternalId_theyWinOverTheFunctionDefaults() throws Exception {
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.of("inventory"), Optional.of("ext-1"));
        try (Source source = factory.open(request("s", Map.of("roleArn",
                "arn:aws:iam::210987654321:role/path/audit", "externalId", "ext-2")))) {
            rows(source, "aws_ec2_vpcs");
        }
        assertThat(fake.calls("sts", "AssumeRole").get(0).params())
                .containsEntry("RoleArn", "arn:aws:iam::210987654321:role/path/audit")
                .containsEntry("ExternalId", "ext-2").containsEntry("RoleSessionName", "sliceflow-s");
    }

    @Test
    void open_whenTheRoleCannotBeAssumed_failsEveryTableWithTheReasonAfterOneStsCall() {
        fake.on("sts", "AssumeRole", call -> Answer.xmlError(403, "AccessDenied",
                "User is not authorized to perform: sts:AssumeRole"));
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.of("inventory"), Optional.empty());
        try (Source source = factory.open(request("s", Map.of("concurrency", "1")))) {
            for (String table : List.of("aws_ec2_vpcs", "aws_ec2_subnets")) {
                assertThatThrownBy(() -> rows(source, table))
                        .hasMessageContaining("cannot assume role arn:aws:iam::210987654321:role/inventory for "
                                + "account 210987654321").hasMessageContaining("AccessDenied");
            }
        }
        assertThat(fake.calls("sts", "AssumeRole")).hasSize(1);
        assertThat(fake.calls("sts", "AssumeRole").get(0).params()).doesNotContainKey("ExternalId");
        assertThat(fake.calls().stream().filter(c -> c.service().equals("ec2"))).isEmpty();
    }

    @Test
    void open_whenNoRoleAndTheFunctionIsInAnotherAccount_failsRatherThanReadTheWrongAccount() {
        fake.on("sts", "GetCallerIdentity", call -> Answer.xml("""
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>
                <Arn>arn:aws:iam::999999999999:user/x</Arn><UserId>AIDA</UserId><Account>999999999999</Account>
                </GetCallerIdentityResult></GetCallerIdentityResponse>"""));
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());
        try (Source source = factory.open(request("s", Map.of()))) {
            assertThatThrownBy(() -> rows(source, "aws_ec2_vpcs"))
                    .hasMessageContaining("belong to account 999999999999, not the slice's account 210987654321");
        }
        assertThat(fake.calls().stream().filter(c -> c.service().equals("ec2"))).isEmpty();
    }

    @Test
    void open_whenTheSliceIsTheHomeAccount_usesTheFunctionCredentialsWithoutSts() throws Exception {
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.of("inventory"), Optional.empty());
        try (Source source = factory.open(request("s", Map.of("homeAccount", MEMBER)))) {
            assertThat(rows(source, "aws_ec2_vpcs")).hasSize(1);
        }
        assertThat(fake.calls().stream().filter(c -> c.service().equals("sts"))).isEmpty();
        assertThat(fake.calls("ec2", "DescribeVpcs").get(0).accessKeyId()).isEqualTo(LocalS3.ACCESS_KEY);
    }

    @Test
    void open_whenOptionsAreInvalid_failsNamingTheOption() {
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> factory.open(request("s", Map.of("roleArn", "arn:aws:iam::111111111111:role/x"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("is not in the slice's account");
        assertThatThrownBy(() -> factory.open(request("s", Map.of("role", "x"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown aws source option 'role'");
        assertThatThrownBy(() -> factory.open(request("s", Map.of("concurrency", "0"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("concurrency must be a whole number 1..16");
        assertThatThrownBy(() -> factory.open(request("s", Map.of("roleName", "a", "roleArn",
                "arn:aws:iam::210987654321:role/x")))).hasMessageContaining("exclude each other");
        assertThatThrownBy(() -> factory.open(request("s", Map.of("globalRegion", "mars"))))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("invalid region");
    }

    @Test
    void sessionName_whenTheSyncIdIsLong_isCutToStsLimit() {
        String id = "a".repeat(64);
        assertThat(SliceCredentials.sessionName(id)).hasSize(64).startsWith("sliceflow-aaa");
        assertThat(SliceCredentials.sessionName("2026-11-25_run")).isEqualTo("sliceflow-2026-11-25_run");
    }
}

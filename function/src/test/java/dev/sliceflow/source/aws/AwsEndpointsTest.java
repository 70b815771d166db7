package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.source.Source;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/** Endpoints as the SDK resolves them, the User-Agent, and clock-skew correction. */
class AwsEndpointsTest {
    private final FakeAws fake = new FakeAws();

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void override_whenAServiceVariableAndTheGeneralOneAreSet_theServiceOneWins() {
        AwsEndpoints endpoints = new AwsEndpoints(Map.of("AWS_ENDPOINT_URL", URI.create("http://127.0.0.1:1"),
                "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", URI.create("http://127.0.0.1:2"),
                "AWS_ENDPOINT_URL_EC2", URI.create("http://127.0.0.1:3")), false, false);
        assertThat(endpoints.override("ec2")).contains(URI.create("http://127.0.0.1:3"));
        assertThat(endpoints.override("elasticloadbalancing")).contains(URI.create("http://127.0.0.1:2"));
        assertThat(endpoints.override("iam")).contains(URI.create("http://127.0.0.1:1"));
        assertThat(AwsEndpoints.NONE.override("iam")).isEmpty();
        assertThat(AwsEndpoints.variable("secretsmanager")).isEqualTo("AWS_ENDPOINT_URL_SECRETS_MANAGER");
    }

    @Test
    void endpoint_whenThePartitionIsBeyondTheClassicThree_comesFromTheSdkMetadata() {
        assertThat(AwsService.EC2.endpoint("us-iso-east-1")).isEqualTo(URI.create("https://ec2.us-iso-east-1.c2s.ic.gov"));
        assertThat(AwsService.IAM.endpoint("us-isob-east-1"))
                .isEqualTo(URI.create("https://iam.us-isob-east-1.sc2s.sgov.gov"));
        assertThat(AwsService.IAM.signingRegion("us-iso-west-1")).isEqualTo("us-iso-east-1");
        assertThat(AwsService.Partition.of("us-iso-east-1").arn()).isEqualTo("aws-iso");
        assertThat(AwsService.Partition.of("us-iso-west-1").defaultGlobalRegion("us-iso-west-1"))
                .isEqualTo("us-iso-east-1");
        assertThat(AwsService.Partition.of("cn-northwest-1").defaultGlobalRegion("cn-northwest-1"))
                .isEqualTo("cn-north-1");
        assertThat(AwsService.Partition.of("eu-west-1").defaultGlobalRegion("eu-west-1")).isEqualTo("us-east-1");
        assertThat(AwsService.IAM.endpoint("eu-west-1")).isEqualTo(URI.create("https://iam.amazonaws.com"));
        assertThat(AwsService.IAM.endpoint("us-gov-east-1")).isEqualTo(URI.create("https://iam.us-gov.amazonaws.com"));
    }

    @Test
    void endpoint_whenFipsOrDualStackIsConfigured_usesThatVariant() {
        assertThat(AwsService.EC2.endpoint("us-east-1", true, false))
                .isEqualTo(URI.create("https://ec2-fips.us-east-1.amazonaws.com"));
        assertThat(AwsService.EC2.endpoint("eu-west-1", false, true))
                .isEqualTo(URI.create("https://ec2.eu-west-1.api.aws"));
        assertThat(AwsService.IAM.endpoint("us-east-1", true, false))
                .isEqualTo(URI.create("https://iam-fips.amazonaws.com"));
    }

    @Test
    void scan_whenAwsEndpointUrlIsSet_everyCallGoesThereWithTheSliceflowUserAgent() throws Exception {
        AwsFixtures.install(fake);
        AwsEndpoints endpoints = new AwsEndpoints(Map.of("AWS_ENDPOINT_URL", fake.endpoint(),
                "AWS_ENDPOINT_URL_S3", LocalS3.get().endpoint(), "AWS_ENDPOINT_URL_SQS", LocalSqs.get().endpoint()),
                false, false);
        AwsSourceFactory factory = new AwsSourceFactory(Region.US_EAST_1, AwsTestSupport.BASE, Optional.empty(),
                Optional.empty(), endpoints);
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(),
                java.util.List.of("aws_ec2_vpcs", "aws_iam_users", "aws_lambda_functions")))) {
            assertThat(AwsTestSupport.rows(source, "aws_ec2_vpcs")).isNotEmpty();
            assertThat(AwsTestSupport.rows(source, "aws_iam_users")).isNotEmpty();
            assertThat(AwsTestSupport.rows(source, "aws_lambda_functions")).isNotEmpty();
        }
        assertThat(fake.calls()).isNotEmpty()
                .allSatisfy(call -> assertThat(call.header("User-Agent")).startsWith("sliceflow/"));
    }

    @Test
    void call_whenTheLocalClockIsAnHourBehind_learnsTheSkewFromTheDateHeaderAndSucceeds() {
        // as AWS does: a signature more than 15 minutes from the server's time is refused
        fake.on("ec2", "DescribeVpcs", call -> {
            Instant signed = LocalDateTime.parse(call.header("X-Amz-Date"),
                    DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
            return Duration.between(signed, Instant.now()).abs().toMinutes() > 15
                    ? Answer.ec2Error(400, "RequestExpired", "Request has expired.")
                    : Answer.xml("<DescribeVpcsResponse><vpcSet/></DescribeVpcsResponse>");
        });
        Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        AwsApi api = new AwsApi(HttpClient.newHttpClient(), AwsTestSupport.BASE, "us-east-1",
                service -> Optional.of(fake.endpoint()), AwsTestSupport.FAST, false, false, behind);
        api.query(AwsService.EC2, "DescribeVpcs", Map.of());
        assertThat(fake.calls()).hasSize(2);
        assertThat(api.skew()).isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
        api.query(AwsService.EC2, "DescribeVpcs", Map.of());
        assertThat(fake.calls()).as("the next call is signed right the first time").hasSize(3);
    }
}

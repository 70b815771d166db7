package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import dev.sliceflow.testing.LocalS3;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * What AwsApi sends over the wire is what it signed: the fake recomputes each request's SigV4 signature from the
 * headers, path, query and body it received, as AWS does, and compares.
 */
class AwsApiSignatureTest {
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), "
                    + "Signature=([0-9a-f]{64})");
    private final FakeAws fake = new FakeAws();
    private final AwsApi api = new AwsApi(HttpClient.newHttpClient(), AwsTestSupport.BASE, "eu-west-1",
            service -> Optional.of(fake.endpoint()), AwsTestSupport.FAST);

    @AfterEach
    void stop() {
        fake.close();
    }

    private void assertSignedAsSent(FakeAws.Call call) {
        Matcher auth = AUTH.matcher(call.header("Authorization"));
        assertThat(auth.matches()).as(call.header("Authorization")).isTrue();
        Instant time = LocalDateTime.parse(call.header("X-Amz-Date"),
                DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")).toInstant(ZoneOffset.UTC);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(call.method()))
                .uri(URI.create(fake.endpoint() + call.path() + (call.rawQuery() == null ? "" : "?" + call.rawQuery())));
        for (String header : auth.group(5).split(";")) {
            if (!header.equals("host")) {
                request.putHeader(header, call.header(header));
            }
        }
        String expected = AwsV4HttpSigner.create().sign(r -> r
                        .identity(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY))
                        .request(request.build())
                        .payload(ContentStreamProvider.fromUtf8String(call.body()))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, auth.group(4))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, auth.group(3))
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(time, ZoneOffset.UTC)))
                .request().firstMatchingHeader("Authorization").orElseThrow();
        assertThat(call.header("Authorization")).isEqualTo(expected);
    }

    @Test
    void query_whenSent_carriesTheSignatureOfWhatWasSent() {
        fake.on("ec2", "DescribeVpcs", call -> Answer.xml("<DescribeVpcsResponse/>"));
        api.query(AwsService.EC2, "DescribeVpcs", Map.of("Filter.1.Name", "tag:Name", "Filter.1.Value.1", "a b+c/é*"));
        FakeAws.Call call = fake.calls().get(0);
        assertThat(call.params()).containsEntry("Filter.1.Value.1", "a b+c/é*").containsEntry("Version", "2016-11-15");
        assertThat(call.header("Authorization")).contains("/eu-west-1/ec2/aws4_request");
        assertSignedAsSent(call);
    }

    @Test
    void json_whenSent_carriesTheSignatureAndTarget() {
        fake.on("kms", "ListKeys", call -> Answer.json("{\"Keys\":[]}"));
        api.json(AwsService.KMS, "ListKeys", AwsApi.body().put("Limit", 1000));
        FakeAws.Call call = fake.calls().get(0);
        assertThat(call.header("X-Amz-Target")).isEqualTo("TrentService.ListKeys");
        assertThat(call.header("Content-Type")).isEqualTo("application/x-amz-json-1.1");
        assertSignedAsSent(call);
    }

    @Test
    void restGet_whenThePathHoldsAnEncodedArn_carriesTheSignature() {
        fake.on("lambda", "GET /2017-03-31/tags/", call -> Answer.json("{\"Tags\":{}}"));
        api.restGet(AwsService.LAMBDA, "ListTags", "/2017-03-31/tags/arn%3Aaws%3Alambda%3Aeu-west-1%3A1%3Afunction%3Af",
                Map.of("MaxItems", "50"));
        assertSignedAsSent(fake.calls().get(0));
    }

    @Test
    void iam_whenCalledFromAnyRegion_isSignedForTheGlobalEndpointsRegion() {
        fake.on("iam", "GetAccountAuthorizationDetails", call -> Answer.xml("<R><GetAccountAuthorizationDetailsResult/></R>"));
        api.query(AwsService.IAM, "GetAccountAuthorizationDetails", Map.of());
        assertThat(fake.calls().get(0).header("Authorization")).contains("/us-east-1/iam/aws4_request");
        assertSignedAsSent(fake.calls().get(0));
        assertThat(AwsService.IAM.endpoint("eu-west-1")).isEqualTo(URI.create("https://iam.amazonaws.com"));
        assertThat(AwsService.EC2.endpoint("cn-north-1")).isEqualTo(URI.create("https://ec2.cn-north-1.amazonaws.com.cn"));
        assertThat(AwsService.IAM.signingRegion("us-gov-east-1")).isEqualTo("us-gov-west-1");
    }
}

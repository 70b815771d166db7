package dev.sliceflow.runtime;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the AWS clients, once per container: one url-connection HTTP client shared by all of them, an explicit
 * region (no region lookup chain at cold start), standard retries. Endpoints may be overridden for local mode
 * (s3proxy, ElasticMQ). An S3 endpoint override is a local or S3-compatible store, so S3 then uses path-style
 * addressing and plain (not aws-chunked) request bodies: s3proxy closes the connection after an aws-chunked PUT
 * without saying so, and the next PUT on that kept-alive connection fails writing its body (6-9 % of sequential
 * PUTs measured; three in a row exhaust the SDK's retries). AWS's own S3 keeps the SDK's default, chunked.
 *
 * @param region      the region the clients talk to
 * @param credentials the credentials provider (the default chain in Lambda)
 * @param s3Endpoint  an S3 endpoint override, e.g. http://127.0.0.1:9000
 * @param sqsEndpoint an SQS endpoint override
 */
public record AwsClients(Region region, AwsCredentialsProvider credentials, Optional<URI> s3Endpoint,
                         Optional<URI> sqsEndpoint) {

    private static final SdkHttpClient HTTP = UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(60))
            .build();

    private static ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build();
    }

    public S3Client s3() {
        return s3Builder().build();
    }

    /** The builder {@link #s3()} builds: for a test to add an interceptor to exactly the configuration shipped. */
    S3ClientBuilder s3Builder() {
        S3ClientBuilder builder = S3Client.builder()
                .httpClient(HTTP)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides());
        s3Endpoint.ifPresent(endpoint -> builder.endpointOverride(endpoint)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(true)
                        .chunkedEncodingEnabled(false)
                        .build()));
        return builder;
    }

    public SqsClient sqs() {
        var builder = SqsClient.builder()
                .httpClient(HTTP)
                .region(region)
                .credentialsProvider(credentials)
                .overrideConfiguration(overrides());
        sqsEndpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public StsClient sts() {
        return StsClient.builder().httpClient(HTTP).region(region).credentialsProvider(credentials)
                .overrideConfiguration(overrides()).build();
    }

    public SecretsManagerClient secretsManager() {
        return SecretsManagerClient.builder().httpClient(HTTP).region(region).credentialsProvider(credentials)
                .overrideConfiguration(overrides()).build();
    }
}

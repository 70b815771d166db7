package dev.sliceflow.source.aws;

import java.net.URI;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * What the tables of one slice share: its account and region, its credentials, and the clients built with them.
 * The SDK clients are built on first use and closed with the slice; the HTTP client underneath is the container's.
 */
final class AwsSlice implements AutoCloseable {
    private final String account;
    private final String region;
    private final boolean globalRegion;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final Function<String, Optional<URI>> endpoints;
    private final AwsRetries retries;
    private final AwsApi api;
    private S3Client s3;
    private SqsClient sqs;

    AwsSlice(String account, String region, boolean globalRegion, AwsCredentialsProvider credentials,
             SdkHttpClient http, java.net.http.HttpClient apiHttp, Function<String, Optional<URI>> endpoints,
             AwsRetries retries) {
        this.account = account;
        this.region = region;
        this.globalRegion = globalRegion;
        this.credentials = credentials;
        this.http = http;
        this.endpoints = endpoints;
        this.retries = retries;
        this.api = new AwsApi(apiHttp, credentials, region, service -> endpoints.apply(service.id()), retries);
    }

    String account() {
        return account;
    }

    String region() {
        return region;
    }

    /** Whether this slice syncs the account's global tables. */
    boolean globalRegion() {
        return globalRegion;
    }

    AwsApi api() {
        return api;
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().retryStrategy(retries.forSdk()).build();
    }

    synchronized S3Client s3() {
        if (s3 == null) {
            var builder = S3Client.builder().httpClient(http).region(Region.of(region)).credentialsProvider(credentials)
                    .overrideConfiguration(overrides())
                    // Bucket sub-resources live in the bucket's region: follow S3's redirect there.
                    .crossRegionAccessEnabled(true);
            endpoints.apply("s3").ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
            s3 = builder.build();
        }
        return s3;
    }

    synchronized SqsClient sqs() {
        if (sqs == null) {
            var builder = SqsClient.builder().httpClient(http).region(Region.of(region)).credentialsProvider(credentials)
                    .overrideConfiguration(overrides());
            endpoints.apply("sqs").ifPresent(builder::endpointOverride);
            sqs = builder.build();
        }
        return sqs;
    }

    @Override
    public synchronized void close() {
        if (s3 != null) {
            s3.close();
        }
        if (sqs != null) {
            sqs.close();
        }
    }
}

package dev.sliceflow.source.aws;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;
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
    private final Map<String, S3Client> s3 = new HashMap<>();
    private SqsClient sqs;

    AwsSlice(String account, String region, boolean globalRegion, AwsCredentialsProvider credentials,
             SdkHttpClient http, HttpClient apiHttp, Function<String, Optional<URI>> endpoints,
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

    /** The S3 client of the slice's region. */
    S3Client s3() {
        return s3(region);
    }

    /**
     * An S3 client for {@code bucketRegion}: a bucket's sub-resources are read in its own region (no redirect per
     * call); a wrong guess is still followed, through cross-region access.
     */
    synchronized S3Client s3(String bucketRegion) {
        return s3.computeIfAbsent(bucketRegion, r -> {
            var builder = S3Client.builder().httpClient(http).region(Region.of(r)).credentialsProvider(credentials)
                    .overrideConfiguration(overrides())
                    .crossRegionAccessEnabled(true);
            endpoints.apply("s3").ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
            return builder.build();
        });
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
        s3.values().forEach(S3Client::close);
        s3.clear();
        if (sqs != null) {
            sqs.close();
        }
    }
}

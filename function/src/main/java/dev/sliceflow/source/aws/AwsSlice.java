package dev.sliceflow.source.aws;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
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
    private final AwsEndpoints variants;
    private final AwsApi api;
    private final Map<String, S3Client> s3 = new HashMap<>();
    private SqsClient sqs;

    AwsSlice(String account, String region, boolean globalRegion, AwsCredentialsProvider credentials,
             SdkHttpClient http, HttpClient apiHttp, Function<String, Optional<URI>> endpoints,
             AwsRetries retries) {
        this(account, region, globalRegion, credentials, http, apiHttp, endpoints, retries, AwsEndpoints.NONE,
                java.time.Clock.systemUTC());
    }

    /**
     * @param endpoints a configured endpoint per service id, if any
     * @param variants  whether to use the FIPS and dual-stack endpoints (its urls are already in endpoints)
     * @param clock     the clock AwsApi signs with
     */
    AwsSlice(String account, String region, boolean globalRegion, AwsCredentialsProvider credentials,
             SdkHttpClient http, HttpClient apiHttp, Function<String, Optional<URI>> endpoints,
             AwsRetries retries, AwsEndpoints variants, java.time.Clock clock) {
        this.account = account;
        this.region = region;
        this.globalRegion = globalRegion;
        this.credentials = credentials;
        this.http = http;
        this.endpoints = endpoints;
        this.retries = retries;
        this.variants = variants;
        this.api = new AwsApi(apiHttp, credentials, region, service -> endpoints.apply(service.id()), retries,
                variants.fips(), variants.dualStack(), clock);
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
        return overrides(retries);
    }

    /** The SDK clients' retry strategy and User-Agent prefix (sliceflow/<version>, as AwsApi sends). */
    static ClientOverrideConfiguration overrides(AwsRetries retries) {
        return ClientOverrideConfiguration.builder().retryStrategy(retries.forSdk())
                .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_PREFIX, AwsApi.USER_AGENT).build();
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
                    .crossRegionAccessEnabled(true)
                    .fipsEnabled(variants.fips()).dualstackEnabled(variants.dualStack());
            endpoints.apply("s3").ifPresent(endpoint -> builder.endpointOverride(endpoint).forcePathStyle(true));
            return builder.build();
        });
    }

    synchronized SqsClient sqs() {
        if (sqs == null) {
            var builder = SqsClient.builder().httpClient(http).region(Region.of(region)).credentialsProvider(credentials)
                    .overrideConfiguration(overrides())
                    .fipsEnabled(variants.fips()).dualstackEnabled(variants.dualStack());
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

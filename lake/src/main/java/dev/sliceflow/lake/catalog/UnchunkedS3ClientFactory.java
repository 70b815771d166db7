package dev.sliceflow.lake.catalog;

import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.s3.S3FileIOAwsClientFactory;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * Iceberg's S3 client for an explicit {@code s3.endpoint} (a local or S3-compatible store): built as Iceberg's own
 * default factory builds it, from the same properties, but sending plain request bodies instead of aws-chunked ones.
 * s3proxy closes a kept-alive connection after an aws-chunked PUT without saying so; the next PUT on it fails and
 * Iceberg's retry waits at least 2 s. Iceberg 1.10 has no property for chunked encoding, hence this factory;
 * {@link LakeCatalogs} names it only when the URL sets an endpoint, so AWS's S3 keeps the defaults.
 */
public final class UnchunkedS3ClientFactory implements S3FileIOAwsClientFactory {
    private static final long serialVersionUID = 1L;

    private HashMap<String, String> properties = new HashMap<>();

    @Override
    public void initialize(Map<String, String> props) {
        properties = new HashMap<>(props);
    }

    @Override
    public S3Client s3() {
        S3FileIOProperties s3 = new S3FileIOProperties(properties);
        AwsClientProperties aws = new AwsClientProperties(properties);
        HttpClientProperties http = new HttpClientProperties(properties);
        S3ClientBuilder builder = S3Client.builder();
        // The order of Iceberg's DefaultS3FileIOAwsClientFactory.
        aws.applyClientRegionConfiguration(builder);
        aws.applyLegacyMd5Plugin(builder);
        http.applyHttpClientConfigurations(builder);
        s3.applyEndpointConfigurations(builder);
        s3.applyServiceConfigurations(builder);
        s3.applyCredentialConfigurations(aws, builder);
        s3.applySignerConfiguration(builder);
        s3.applyS3AccessGrantsConfigurations(builder);
        s3.applyUserAgentConfigurations(builder);
        s3.applyRetryConfigurations(builder);
        // Replaces the service configuration set above with the same values, chunked encoding off.
        builder.serviceConfiguration(S3Configuration.builder()
                .pathStyleAccessEnabled(s3.isPathStyleAccess())
                .useArnRegionEnabled(s3.isUseArnRegionEnabled())
                .accelerateModeEnabled(s3.isAccelerationEnabled())
                .chunkedEncodingEnabled(false)
                .build());
        return builder.build();
    }

    @Override
    public S3AsyncClient s3Async() {
        // Only the CRT client and the analytics accelerator use it: neither ships in the lake artifact.
        throw new UnsupportedOperationException("no asynchronous S3 client: the lake ships the url-connection "
                + "client only; unset s3.crt.enabled and s3.analytics-accelerator.enabled");
    }
}

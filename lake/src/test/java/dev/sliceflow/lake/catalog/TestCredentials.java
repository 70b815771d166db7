package dev.sliceflow.lake.catalog;

import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * An emulator's static keys for the clients Iceberg builds, through {@code client.credentials-provider} (Iceberg
 * calls {@code create(Map)} with the {@code client.credentials-provider.*} properties, and wants the class itself to
 * be the provider): tests never read the machine's own credentials.
 */
public final class TestCredentials implements AwsCredentialsProvider {
    private final AwsCredentials credentials;

    private TestCredentials(AwsCredentials credentials) {
        this.credentials = credentials;
    }

    public static TestCredentials create(Map<String, String> properties) {
        return new TestCredentials(AwsBasicCredentials.create(properties.getOrDefault("access-key-id", "test"),
                properties.getOrDefault("secret-access-key", "test")));
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return credentials;
    }
}

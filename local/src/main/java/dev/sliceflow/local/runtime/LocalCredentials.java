package dev.sliceflow.local.runtime;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The fixed keys of local mode. s3proxy checks SigV4 signatures against them; ElasticMQ accepts any. They open
 * nothing but the loopback emulators.
 */
public record LocalCredentials(String accessKeyId, String secretAccessKey) {
    public static final LocalCredentials DEFAULT = new LocalCredentials("sliceflow", "sliceflow-local-secret");

    public StaticCredentialsProvider provider() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
    }
}

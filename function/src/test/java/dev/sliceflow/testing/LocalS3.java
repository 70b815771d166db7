package dev.sliceflow.testing;

import dev.sliceflow.runtime.AwsClients;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A real S3 API in-process (s3proxy, in-memory blob store) for tests, started once per JVM on a loopback port.
 * Each test takes its own bucket from {@link #newBucket()}.
 */
public final class LocalS3 {
    public static final String ACCESS_KEY = "sliceflow-test";
    public static final String SECRET_KEY = "sliceflow-test-secret";
    private static LocalS3 instance;

    private final S3Proxy proxy;
    private final URI endpoint;
    private final S3Client client;

    private LocalS3() throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        proxy = S3Proxy.builder()
                .blobStore(BlobStores.create("transient", properties))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(true)
                .stopTimeout(0)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        client = clients().s3();
    }

    /** The shared instance, started on first use and stopped with the JVM. */
    public static synchronized LocalS3 get() {
        if (instance == null) {
            try {
                instance = new LocalS3();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start s3proxy", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    instance.proxy.stop();
                } catch (Exception ignored) {
                    // the JVM is exiting
                }
            }));
        }
        return instance;
    }

    public URI endpoint() {
        return endpoint;
    }

    public S3Client client() {
        return client;
    }

    /** Clients configured for this endpoint (S3 only; SQS untouched). */
    public AwsClients clients() {
        return new AwsClients(Region.US_EAST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)),
                Optional.of(endpoint), Optional.empty());
    }

    /**
     * The bucket named {@code name}, created if this JVM has not yet: for a test whose fixtures name a fixed bucket
     * (the sample events'); each test writes its own objects first.
     */
    public String bucket(String name) {
        try {
            client.createBucket(b -> b.bucket(name));
        } catch (BucketAlreadyOwnedByYouException ignored) {
            // created by an earlier test of this JVM
        } catch (S3Exception e) {
            if (e.statusCode() != 409) {
                throw e;
            }
        }
        return name;
    }

    /**
     * The environment of a handler whose staging bucket is {@code bucket} here (what Settings.from reads: region,
     * credentials, bucket, S3 endpoint); a mutable map, for the test to add the rest.
     */
    public Map<String, String> environment(String bucket) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("SLICEFLOW_BUCKET", bucket);
        env.put("SLICEFLOW_S3_ENDPOINT", endpoint.toString());
        return env;
    }

    /** Creates a fresh, empty bucket. */
    public String newBucket() {
        String bucket = "test-" + UUID.randomUUID().toString().substring(0, 13);
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }
}

package dev.sliceflow.runtime;

import dev.sliceflow.core.InvalidInputException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The functions' configuration, read once from the environment (in Lambda) or from the same keys in a map
 * (local mode builds that map; it is how local mode runs the very same handlers). Documented in docs/operations.md.
 *
 * @param region              AWS_REGION
 * @param bucket              SLICEFLOW_BUCKET: the staging bucket
 * @param syncQueueUrl        SLICEFLOW_SYNC_QUEUE_URL: where the worker enqueues continuations
 * @param syncDlqUrl          SLICEFLOW_SYNC_DLQ_URL: where the worker sends permanently invalid requests
 * @param loadDlqUrl          SLICEFLOW_LOAD_DLQ_URL: where the loader sends permanently invalid manifests
 * @param warehouseUrl        SLICEFLOW_WAREHOUSE_URL: jdbc:postgresql://host:5432/db or jdbc:duckdb:/path/file.duckdb
 * @param warehouseUser       SLICEFLOW_WAREHOUSE_USER (local; in AWS the secret holds it)
 * @param warehousePassword   SLICEFLOW_WAREHOUSE_PASSWORD (local only; never logged)
 * @param warehouseSecretArn  SLICEFLOW_WAREHOUSE_SECRET_ARN: a Secrets Manager secret in the RDS JSON shape
 * @param s3Endpoint          SLICEFLOW_S3_ENDPOINT: S3 endpoint override (local mode)
 * @param sqsEndpoint         SLICEFLOW_SQS_ENDPOINT: SQS endpoint override (local mode)
 * @param workDir             SLICEFLOW_WORK_DIR: scratch directory for parts, default /tmp/sliceflow
 * @param deadlineMargin      SLICEFLOW_DEADLINE_MARGIN_SECONDS: commit and continue this long before the timeout (60)
 * @param roleName            SLICEFLOW_ROLE_NAME: role the AWS source assumes in each account
 * @param externalId          SLICEFLOW_EXTERNAL_ID: ExternalId for that role
 * @param sourceCredentials   SLICEFLOW_SOURCE_CREDENTIALS=default: sources (the aws source, discovery) use the default
 *                            credential chain even when static keys are set for S3 and SQS (local mode reading real
 *                            accounts); otherwise the same credentials as the clients
 * @param deleteRemovedSlices SLICEFLOW_DELETE_REMOVED_SLICES=true: after a replace sync completes, the loader deletes
 *                            the rows of slices the sync no longer covers (opt-in; logged with counts)
 * @param credentials         static keys when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are in the map, else the
 *                            default chain
 * @param endpointUrls        AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_&lt;SERVICE&gt; (the SDKs' variables) by name, for the
 *                            aws source's calls; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
 * @param useFipsEndpoint     AWS_USE_FIPS_ENDPOINT=true: the aws source calls the FIPS endpoints
 * @param useDualStackEndpoint AWS_USE_DUALSTACK_ENDPOINT=true: the aws source calls the dual-stack endpoints
 * @param loadQueueUrl        SLICEFLOW_LOAD_QUEUE_URL: where the reconciler sends lost manifests' load events again
 * @param reconcileGrace      SLICEFLOW_RECONCILE_GRACE_MINUTES: the reconciler leaves younger manifests alone (15)
 * @param reconcileLookBack   SLICEFLOW_RECONCILE_LOOKBACK_DAYS: the reconciler looks at syncs this recent (7)
 */
public record Settings(Region region, String bucket, Optional<String> syncQueueUrl, Optional<String> syncDlqUrl,
                       Optional<String> loadDlqUrl, Optional<String> warehouseUrl, Optional<String> warehouseUser,
                       Optional<String> warehousePassword, Optional<String> warehouseSecretArn,
                       Optional<URI> s3Endpoint, Optional<URI> sqsEndpoint, Path workDir, Duration deadlineMargin,
                       Optional<String> roleName, Optional<String> externalId, AwsCredentialsProvider credentials,
                       AwsCredentialsProvider sourceCredentials, boolean deleteRemovedSlices,
                       Map<String, URI> endpointUrls, boolean useFipsEndpoint, boolean useDualStackEndpoint,
                       Optional<String> loadQueueUrl, Duration reconcileGrace, Duration reconcileLookBack) {
    public Settings {
        endpointUrls = Map.copyOf(endpointUrls);
    }

    /** Reads the process environment: the one place that does. */
    public static Settings fromEnvironment() {
        return from(System.getenv());
    }

    /**
     * @throws InvalidInputException naming the missing or malformed key
     */
    public static Settings from(Map<String, String> env) {
        String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION")
                .orElseThrow(() -> new InvalidInputException("AWS_REGION is not set"));
        String bucket = get(env, "SLICEFLOW_BUCKET")
                .orElseThrow(() -> new InvalidInputException("SLICEFLOW_BUCKET is not set"));
        Optional<String> accessKey = get(env, "AWS_ACCESS_KEY_ID");
        Optional<String> secretKey = get(env, "AWS_SECRET_ACCESS_KEY");
        Optional<String> sessionToken = get(env, "AWS_SESSION_TOKEN");
        AwsCredentialsProvider credentials = accessKey.isPresent() && secretKey.isPresent() && sessionToken.isEmpty()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey.get(), secretKey.get()))
                : DefaultCredentialsProvider.builder().build();
        return new Settings(
                Region.of(region),
                bucket,
                get(env, "SLICEFLOW_SYNC_QUEUE_URL"),
                get(env, "SLICEFLOW_SYNC_DLQ_URL"),
                get(env, "SLICEFLOW_LOAD_DLQ_URL"),
                get(env, "SLICEFLOW_WAREHOUSE_URL"),
                get(env, "SLICEFLOW_WAREHOUSE_USER"),
                get(env, "SLICEFLOW_WAREHOUSE_PASSWORD"),
                get(env, "SLICEFLOW_WAREHOUSE_SECRET_ARN"),
                get(env, "SLICEFLOW_S3_ENDPOINT").map(v -> uri("SLICEFLOW_S3_ENDPOINT", v)),
                get(env, "SLICEFLOW_SQS_ENDPOINT").map(v -> uri("SLICEFLOW_SQS_ENDPOINT", v)),
                Path.of(get(env, "SLICEFLOW_WORK_DIR").orElse("/tmp/sliceflow")),
                Duration.ofSeconds(get(env, "SLICEFLOW_DEADLINE_MARGIN_SECONDS").map(v -> number("SLICEFLOW_DEADLINE_MARGIN_SECONDS", v)).orElse(60L)),
                get(env, "SLICEFLOW_ROLE_NAME"),
                get(env, "SLICEFLOW_EXTERNAL_ID"),
                credentials,
                sourceCredentials(env, credentials),
                get(env, "SLICEFLOW_DELETE_REMOVED_SLICES").map(v -> flag("SLICEFLOW_DELETE_REMOVED_SLICES", v))
                        .orElse(false),
                endpointUrls(env),
                get(env, "AWS_USE_FIPS_ENDPOINT").map(v -> flag("AWS_USE_FIPS_ENDPOINT", v)).orElse(false),
                get(env, "AWS_USE_DUALSTACK_ENDPOINT").map(v -> flag("AWS_USE_DUALSTACK_ENDPOINT", v)).orElse(false),
                get(env, "SLICEFLOW_LOAD_QUEUE_URL"),
                Duration.ofMinutes(get(env, "SLICEFLOW_RECONCILE_GRACE_MINUTES")
                        .map(v -> number("SLICEFLOW_RECONCILE_GRACE_MINUTES", v)).orElse(15L)),
                Duration.ofDays(get(env, "SLICEFLOW_RECONCILE_LOOKBACK_DAYS")
                        .map(v -> number("SLICEFLOW_RECONCILE_LOOKBACK_DAYS", v)).orElse(7L)));
    }

    /** AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_*, each checked to be an http(s) URI, by variable name. */
    private static Map<String, URI> endpointUrls(Map<String, String> env) {
        if (get(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").map(v -> flag("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", v))
                .orElse(false)) {
            return Map.of();
        }
        Map<String, URI> urls = new java.util.TreeMap<>();
        for (String key : env.keySet()) {
            if (key.equals("AWS_ENDPOINT_URL") || key.startsWith("AWS_ENDPOINT_URL_")) {
                get(env, key).ifPresent(value -> {
                    URI uri = uri(key, value);
                    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                        throw new InvalidInputException(key + " must be an http(s) URL with a host, got " + value);
                    }
                    urls.put(key, uri);
                });
            }
        }
        return urls;
    }

    /** These settings with the sources reading AWS through {@code credentials} (local mode reading real accounts). */
    public Settings withSourceCredentials(AwsCredentialsProvider credentials) {
        return new Settings(region, bucket, syncQueueUrl, syncDlqUrl, loadDlqUrl, warehouseUrl, warehouseUser,
                warehousePassword, warehouseSecretArn, s3Endpoint, sqsEndpoint, workDir, deadlineMargin, roleName,
                externalId, this.credentials, credentials, deleteRemovedSlices, endpointUrls, useFipsEndpoint,
                useDualStackEndpoint, loadQueueUrl, reconcileGrace, reconcileLookBack);
    }

    /** The AWS clients for these settings. */
    public AwsClients clients() {
        return new AwsClients(region, credentials, s3Endpoint, sqsEndpoint);
    }

    private static Optional<String> get(Map<String, String> env, String key) {
        return Optional.ofNullable(env.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static Optional<String> first(Map<String, String> env, String... keys) {
        for (String key : keys) {
            Optional<String> value = get(env, key);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    private static URI uri(String key, String value) {
        try {
            return URI.create(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(key + " is not a URI: " + value, e);
        }
    }

    private static AwsCredentialsProvider sourceCredentials(Map<String, String> env, AwsCredentialsProvider clients) {
        return switch (get(env, "SLICEFLOW_SOURCE_CREDENTIALS").orElse("same")) {
            case "same" -> clients;
            case "default" -> DefaultCredentialsProvider.builder().build();
            default -> throw new InvalidInputException("SLICEFLOW_SOURCE_CREDENTIALS must be default or same, got "
                    + get(env, "SLICEFLOW_SOURCE_CREDENTIALS").orElseThrow());
        };
    }

    private static boolean flag(String key, String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidInputException(key + " must be true or false, got " + value);
        };
    }

    private static long number(String key, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(key + " is not a number: " + value, e);
        }
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "Settings[region=" + region + ", bucket=" + bucket + ", warehouseUrl=" + warehouseUrl.orElse("-")
                + ", secretArn=" + warehouseSecretArn.orElse("-") + ", workDir=" + workDir + "]";
    }
}

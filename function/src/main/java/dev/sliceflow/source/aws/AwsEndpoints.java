package dev.sliceflow.source.aws;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the aws source sends its calls when not to AWS's public endpoints, resolved as the AWS SDKs do: the
 * service's own {@code AWS_ENDPOINT_URL_<SERVICE>} first, then {@code AWS_ENDPOINT_URL} for every service, then the
 * SDK's endpoint metadata for the region (FIPS and dual-stack variants when configured). From the function's
 * configuration only (Settings), never from a sync request: a request must not send a slice's session elsewhere.
 *
 * @param urls      the configured endpoint variables by name (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, ...)
 * @param fips      AWS_USE_FIPS_ENDPOINT=true: the FIPS endpoints
 * @param dualStack AWS_USE_DUALSTACK_ENDPOINT=true: the dual-stack (IPv4 and IPv6) endpoints
 */
public record AwsEndpoints(Map<String, URI> urls, boolean fips, boolean dualStack) {
    public static final AwsEndpoints NONE = new AwsEndpoints(Map.of(), false, false);
    public static final String ALL = "AWS_ENDPOINT_URL";

    /** The SDK service ids (their env-variable suffix) where they differ from the endpoint prefix. */
    private static final Map<String, String> SERVICE_IDS = Map.ofEntries(
            Map.entry("elasticloadbalancing", "ELASTIC_LOAD_BALANCING_V2"),
            Map.entry("monitoring", "CLOUDWATCH"),
            Map.entry("logs", "CLOUDWATCH_LOGS"),
            Map.entry("config", "CONFIG_SERVICE"),
            Map.entry("secretsmanager", "SECRETS_MANAGER"),
            Map.entry("route53", "ROUTE_53"),
            Map.entry("elasticfilesystem", "EFS"),
            Map.entry("cloudfront", "CLOUDFRONT"),
            Map.entry("securityhub", "SECURITYHUB"),
            Map.entry("access-analyzer", "ACCESSANALYZER"));

    public AwsEndpoints {
        urls = Map.copyOf(urls);
    }

    /** The environment variable that overrides {@code service}'s endpoint (AWS_ENDPOINT_URL_EC2). */
    static String variable(String service) {
        return ALL + "_" + SERVICE_IDS.getOrDefault(service, service.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The configured endpoint for a service (by its endpoint prefix: ec2, s3, sts, ...), if any. */
    Optional<URI> override(String service) {
        return Optional.ofNullable(urls.get(variable(service))).or(() -> Optional.ofNullable(urls.get(ALL)));
    }
}

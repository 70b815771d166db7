package dev.sliceflow.source.aws;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.TableSelector;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.SourceFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The {@code aws} source: an inventory of one AWS account and region per slice (docs/aws-source.md, docs/tables.md).
 *
 * <p>Built once per container: the HTTP client and the STS client (the function's own credentials, in the
 * function's region, whose STS endpoint is always enabled) are shared. {@link #open} makes the slice's credentials
 * (a role assumed in the slice's account) and clients, closed with the source.
 */
public final class AwsSourceFactory implements SourceFactory {
    public static final String KIND = "aws";

    private final Region functionRegion;
    private final AwsCredentialsProvider base;
    // Built on the first open(), not at container start: a worker that never syncs this source pays nothing.
    private SdkHttpClient http;
    private HttpClient apiHttp;
    private StsClient sts;
    private final Optional<String> defaultRoleName;
    private final Optional<String> defaultExternalId;
    private final Function<String, Optional<URI>> endpoints;
    private final AwsEndpoints variants;
    private final AwsRetries retries;
    private final Clock clock;

    /**
     * @param functionRegion    the function's region: its STS endpoint assumes the roles
     * @param base              the function's own credentials
     * @param defaultRoleName   SLICEFLOW_ROLE_NAME
     * @param defaultExternalId SLICEFLOW_EXTERNAL_ID
     */
    public AwsSourceFactory(Region functionRegion, AwsCredentialsProvider base, Optional<String> defaultRoleName,
                            Optional<String> defaultExternalId) {
        this(functionRegion, base, defaultRoleName, defaultExternalId, AwsEndpoints.NONE);
    }

    /**
     * @param endpoints the function's configured endpoints (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_&lt;SERVICE&gt;) and
     *                  FIPS / dual-stack choice, from Settings; never from a request
     */
    public AwsSourceFactory(Region functionRegion, AwsCredentialsProvider base, Optional<String> defaultRoleName,
                            Optional<String> defaultExternalId, AwsEndpoints endpoints) {
        this(functionRegion, base, defaultRoleName, defaultExternalId, endpoints::override, endpoints,
                AwsRetries.DEFAULT, Clock.systemUTC());
    }

    /**
     * The test seam: {@code endpoints} maps a service id (sts, s3, sqs, iam, ec2, ...) to a local endpoint. Not a
     * source option on purpose: a sync request must not be able to send the slice's session to another host.
     */
    AwsSourceFactory(Region functionRegion, AwsCredentialsProvider base, Optional<String> defaultRoleName,
                     Optional<String> defaultExternalId, Map<String, URI> endpoints, AwsRetries retries,
                     Clock clock) {
        this(functionRegion, base, defaultRoleName, defaultExternalId, copy(endpoints), AwsEndpoints.NONE, retries,
                clock);
    }

    private static Function<String, Optional<URI>> copy(Map<String, URI> endpoints) {
        Map<String, URI> copy = Map.copyOf(endpoints);
        return service -> Optional.ofNullable(copy.get(service));
    }

    private AwsSourceFactory(Region functionRegion, AwsCredentialsProvider base, Optional<String> defaultRoleName,
                             Optional<String> defaultExternalId, Function<String, Optional<URI>> endpoints,
                             AwsEndpoints variants, AwsRetries retries, Clock clock) {
        this.functionRegion = functionRegion;
        this.base = base;
        this.defaultRoleName = defaultRoleName;
        this.defaultExternalId = defaultExternalId;
        this.endpoints = endpoints;
        this.variants = variants;
        this.retries = retries;
        this.clock = clock;
    }

    /** The container's clients, built once on first use. */
    private synchronized void init() {
        if (sts != null) {
            return;
        }
        http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(60))
                .build();
        apiHttp = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        var stsBuilder = StsClient.builder().httpClient(http).region(functionRegion).credentialsProvider(base)
                .overrideConfiguration(AwsSlice.overrides(retries))
                .fipsEnabled(variants.fips()).dualstackEnabled(variants.dualStack());
        endpoints.apply("sts").ifPresent(stsBuilder::endpointOverride);
        sts = stsBuilder.build();
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<TableSchema> schemas() {
        return AwsTables.ALL.stream().map(AwsTable::schema).toList();
    }

    @Override
    public Source open(SyncRequest request) {
        AwsOptions options = AwsOptions.parse(request.source().options());
        init();
        String account = request.account();
        String region = request.region();
        String globalRegion = options.globalRegion()
                .orElseGet(() -> AwsService.Partition.of(region).defaultGlobalRegion(region));
        SliceCredentials credentials = credentials(options, account, region, request.syncId());
        AwsSlice slice = new AwsSlice(account, region, region.equals(globalRegion), credentials, http, apiHttp,
                endpoints, retries.withMaxAttempts(options.maxAttempts()), variants, clock);
        List<String> names = AwsTables.ALL.stream().map(AwsTable::name).toList();
        List<String> selected = TableSelector.select(names, request.tables(), request.skipTables());
        return new AwsSource(slice, AwsTables.ALL, selected, options.concurrency());
    }

    SliceCredentials credentials(AwsOptions options, String account, String region, String syncId) {
        Optional<String> externalId = options.externalId().or(() -> defaultExternalId);
        if (options.roleArn().isPresent()) {
            String roleArn = options.roleArn().get();
            if (!AwsOptions.accountOf(roleArn).equals(account)) {
                throw new InvalidInputException("aws source option roleArn " + roleArn + " is not in the slice's "
                        + "account " + account + "; use roleName to assume a role of the same name in each account");
            }
            return SliceCredentials.assumeRole(sts, account, roleArn, externalId, syncId, clock);
        }
        boolean home = options.homeAccount().map(account::equals).orElse(false);
        Optional<String> roleName = options.roleName().or(() -> defaultRoleName);
        if (home || roleName.isEmpty()) {
            return SliceCredentials.own(sts, base, account, !home, clock);
        }
        return SliceCredentials.assumeRole(sts, account, "arn:" + AwsService.Partition.of(region).arn() + ":iam::" + account + ":role/"
                + roleName.get(), externalId, syncId, clock);
    }
}

package dev.sliceflow.source.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Identifiers;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.w3c.dom.Element;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What a sync over many accounts and regions covers, for the planner: the accounts of an AWS Organization
 * (optionally under given organizational units, nested ones included; only ACTIVE accounts, minus a skip list) and
 * the regions enabled for an account (what {@code regions: *} means).
 *
 * <p>Its {@link #organizationAccounts(List)} and {@link #enabledRegions(String)} answer the planner's
 * {@code Discovery} questions as they are asked:
 * <pre>{@code
 * AwsDiscovery aws = AwsDiscovery.create(settings.region().id(), settings.credentials(), settings.roleName(),
 *         settings.externalId());
 * Discovery discovery = new Discovery() {
 *     public List<String> organizationAccounts(List<String> ous) { return aws.organizationAccounts(ous); }
 *     public List<String> enabledRegions(String account) { return aws.enabledRegions(account); }
 * };
 * }</pre>
 */
public final class AwsDiscovery {
    /** An account of the organization. */
    public record Account(String id, String name, String email, String status) {
    }

    private final HttpClient http;
    private final String region;
    private final Map<String, URI> endpoints;
    private final AwsRetries retries;
    private final AwsCredentialsProvider base;
    private final Optional<String> roleName;
    private final Optional<String> externalId;
    private StsClient sts;

    AwsDiscovery(HttpClient http, String region, Map<String, URI> endpoints, AwsRetries retries,
                 AwsCredentialsProvider base, Optional<String> roleName, Optional<String> externalId) {
        this.http = http;
        this.region = Identifiers.region(region);
        this.endpoints = Map.copyOf(endpoints);
        this.retries = retries;
        this.base = base;
        this.roleName = roleName;
        this.externalId = externalId;
    }

    /**
     * @param region     the function's region (selects the partition and the STS endpoint)
     * @param base       the function's own credentials: organization calls are made with them
     * @param roleName   the role assumed in each account to list its regions (SLICEFLOW_ROLE_NAME); without it, the
     *                   function's own credentials (its own account only)
     * @param externalId SLICEFLOW_EXTERNAL_ID
     */
    public static AwsDiscovery create(String region, AwsCredentialsProvider base, Optional<String> roleName,
                                      Optional<String> externalId) {
        return create(region, base, roleName, externalId, AwsEndpoints.NONE);
    }

    /** As {@link #create(String, AwsCredentialsProvider, Optional, Optional)}, calling the configured endpoints. */
    public static AwsDiscovery create(String region, AwsCredentialsProvider base, Optional<String> roleName,
                                      Optional<String> externalId, AwsEndpoints endpoints) {
        Map<String, URI> overrides = new java.util.HashMap<>();
        for (String service : List.of("organizations", "ec2", "sts")) {
            endpoints.override(service).ifPresent(uri -> overrides.put(service, uri));
        }
        return new AwsDiscovery(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(), region, overrides, AwsRetries.DEFAULT, base, roleName,
                externalId);
    }

    /**
     * The planner's question: the ids of the organization's ACTIVE accounts under {@code ous} (all when empty),
     * sorted, with the function's own credentials.
     */
    public List<String> organizationAccounts(List<String> ous) {
        try {
            return accounts(base, ous, Set.of()).stream().map(Account::id).toList();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the organization's accounts: " + e.getMessage(), e);
        }
    }

    /** The planner's question: the regions enabled for {@code account}, read through the role assumed there. */
    public List<String> enabledRegions(String account) {
        Identifiers.account(account);
        if (roleName.isEmpty()) {
            return enabledRegions(base);
        }
        String roleArn = "arn:" + AwsService.Partition.of(region).arn() + ":iam::" + account + ":role/"
                + roleName.get();
        return enabledRegions(SliceCredentials.assumeRole(sts(), account, roleArn, externalId, "discovery",
                Clock.systemUTC()));
    }

    private synchronized StsClient sts() {
        if (sts == null) {
            var builder = StsClient.builder().region(Region.of(region)).credentialsProvider(base)
                    .httpClient(UrlConnectionHttpClient.create())
                    .overrideConfiguration(c -> c.retryStrategy(retries.forSdk()));
            Optional.ofNullable(endpoints.get("sts")).ifPresent(builder::endpointOverride);
            sts = builder.build();
        }
        return sts;
    }

    private AwsApi api(AwsCredentialsProvider credentials) {
        return new AwsApi(http, credentials, region, service -> Optional.ofNullable(endpoints.get(service.id())),
                retries);
    }

    /**
     * The organization's ACTIVE accounts (SUSPENDED and PENDING_CLOSURE are left out), sorted by id.
     *
     * @param credentials the management (or delegated administrator) account's: organizations:ListAccounts,
     *                    ListAccountsForParent, ListChildren
     * @param parents     organizational unit or root ids to list under, nested units included; empty for all
     * @param skip        account ids to leave out
     */
    public List<Account> accounts(AwsCredentialsProvider credentials, List<String> parents, Set<String> skip)
            throws Exception {
        AwsApi api = api(credentials);
        Map<String, Account> found = new LinkedHashMap<>();
        if (parents.isEmpty()) {
            collect(api, "ListAccounts", null, found);
        } else {
            Deque<String> pending = new ArrayDeque<>(parents);
            Set<String> visited = new HashSet<>();
            while (!pending.isEmpty()) {
                String parent = pending.pop();
                if (!visited.add(parent)) {
                    continue;
                }
                collect(api, "ListAccountsForParent", parent, found);
                Pages.json(api, AwsService.ORGANIZATIONS, "ListChildren", AwsApi.body().put("ParentId", parent)
                        .put("ChildType", "ORGANIZATIONAL_UNIT"), "NextToken", page -> {
                            for (JsonNode child : page.path("Children")) {
                                pending.add(child.path("Id").asText());
                            }
                        });
            }
        }
        return found.values().stream().filter(a -> "ACTIVE".equals(a.status()))
                .filter(a -> !skip.contains(a.id()))
                .sorted(Comparator.comparing(Account::id)).toList();
    }

    private static void collect(AwsApi api, String operation, String parent, Map<String, Account> found)
            throws Exception {
        var request = AwsApi.body();
        if (parent != null) {
            request.put("ParentId", parent);
        }
        Pages.json(api, AwsService.ORGANIZATIONS, operation, request, "NextToken", page -> {
            for (JsonNode a : page.path("Accounts")) {
                // Status is being replaced by State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED): read either.
                String status = a.hasNonNull("State") ? a.get("State").asText() : a.path("Status").asText(null);
                found.put(a.path("Id").asText(), new Account(a.path("Id").asText(), Values.text(a, "Name"),
                        Values.text(a, "Email"), status));
            }
        });
    }

    /**
     * The regions enabled for the account whose credentials these are (EC2 DescribeRegions: the default regions
     * and the opt-in regions it enabled), sorted.
     */
    public List<String> enabledRegions(AwsCredentialsProvider accountCredentials) {
        Element root = api(accountCredentials).query(AwsService.EC2, "DescribeRegions", Map.of());
        List<String> regions = new ArrayList<>();
        for (Element item : Xml.list(root, "regionInfo")) {
            String status = Xml.text(item, "optInStatus");
            if (status == null || !status.equals("not-opted-in")) {
                regions.add(Xml.text(item, "regionName"));
            }
        }
        regions.sort(null);
        return regions;
    }
}

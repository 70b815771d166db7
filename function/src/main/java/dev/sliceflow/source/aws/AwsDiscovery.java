package dev.sliceflow.source.aws;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Identifiers;
import java.net.URI;
import java.net.http.HttpClient;
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

/**
 * What a sync over many accounts and regions covers, for the planner: the accounts of an AWS Organization
 * (optionally under given organizational units, nested ones included; only ACTIVE accounts, minus a skip list) and
 * the regions enabled for an account (what {@code regions: *} means).
 *
 * <pre>{@code
 * AwsDiscovery discovery = AwsDiscovery.create("us-east-1");
 * List<AwsDiscovery.Account> accounts = discovery.accounts(managementCredentials, List.of("ou-ab12-xyz"), Set.of());
 * List<String> regions = discovery.enabledRegions(memberCredentials);
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

    AwsDiscovery(HttpClient http, String region, Map<String, URI> endpoints, AwsRetries retries) {
        this.http = http;
        this.region = Identifiers.region(region);
        this.endpoints = Map.copyOf(endpoints);
        this.retries = retries;
    }

    /** @param region the region to call from (selects the partition; the function's region) */
    public static AwsDiscovery create(String region) {
        return new AwsDiscovery(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(), region, Map.of(), AwsRetries.DEFAULT);
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

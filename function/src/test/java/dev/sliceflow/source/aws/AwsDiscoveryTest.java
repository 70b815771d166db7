package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AwsDiscoveryTest {
    private final FakeAws fake = new FakeAws();
    private final AwsDiscovery discovery = new AwsDiscovery(HttpClient.newHttpClient(), "us-east-1",
            Map.of("organizations", fake.endpoint(), "ec2", fake.endpoint(), "sts", fake.endpoint()),
            AwsTestSupport.FAST, AwsTestSupport.BASE, Optional.of("inventory"), Optional.of("ext-9"));

    @AfterEach
    void stop() {
        fake.close();
    }

    private static String account(String id, String status) {
        return "{\"Id\":\"" + id + "\",\"Arn\":\"arn:aws:organizations::111111111111:account/o-1/" + id
                + "\",\"Email\":\"a" + id + "@example.com\",\"Name\":\"acct " + id + "\",\"Status\":\"" + status
                + "\",\"JoinedMethod\":\"CREATED\",\"JoinedTimestamp\":1.6E9}";
    }

    @Test
    void accounts_whenTheOrganizationPaginates_listsActiveAccountsMinusTheSkipList() throws Exception {
        fake.on("organizations", "ListAccounts", call -> Answer.json(call.body().contains("NextToken")
                ? "{\"Accounts\":[" + account("333333333333", "ACTIVE") + "," + account("444444444444", "ACTIVE") + "]}"
                : "{\"Accounts\":[" + account("222222222222", "SUSPENDED") + "," + account("111111111111", "ACTIVE")
                        + "],\"NextToken\":\"t2\"}"));
        List<AwsDiscovery.Account> accounts = discovery.accounts(AwsTestSupport.BASE, List.of(),
                Set.of("444444444444"));
        assertThat(accounts).extracting(AwsDiscovery.Account::id).containsExactly("111111111111", "333333333333");
        assertThat(accounts.get(0).name()).isEqualTo("acct 111111111111");
        assertThat(fake.calls("organizations", "ListAccounts").get(0).header("Authorization"))
                .contains("/us-east-1/organizations/aws4_request");
    }

    @Test
    void accounts_whenUnderAnOu_includesNestedOus() throws Exception {
        fake.on("organizations", "ListAccountsForParent", call -> Answer.json(call.body().contains("ou-child")
                ? "{\"Accounts\":[" + account("555555555555", "ACTIVE") + "]}"
                : "{\"Accounts\":[" + account("666666666666", "ACTIVE") + "]}"));
        fake.on("organizations", "ListChildren", call -> Answer.json(call.body().contains("ou-top")
                ? "{\"Children\":[{\"Id\":\"ou-child\",\"Type\":\"ORGANIZATIONAL_UNIT\"}]}" : "{\"Children\":[]}"));
        assertThat(discovery.accounts(AwsTestSupport.BASE, List.of("ou-top"), Set.of()))
                .extracting(AwsDiscovery.Account::id).containsExactly("555555555555", "666666666666");
    }

    @Test
    void enabledRegions_whenSomeOptInRegionsAreOff_areTheDefaultAndOptedInOnes() {
        fake.on("ec2", "DescribeRegions", call -> Answer.xml("""
                <DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>
                <regionInfo>
                <item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint>
                <optInStatus>opt-in-not-required</optInStatus></item>
                <item><regionName>af-south-1</regionName><optInStatus>opted-in</optInStatus></item>
                <item><regionName>eu-west-1</regionName><optInStatus>opt-in-not-required</optInStatus></item>
                </regionInfo></DescribeRegionsResponse>"""));
        assertThat(discovery.enabledRegions(AwsTestSupport.BASE)).containsExactly("af-south-1", "eu-west-1",
                "us-east-1");
    }

    @Test
    void plannerQuestions_whenAsked_listAccountIdsAndReadRegionsThroughTheAccountsRole() {
        fake.on("organizations", "ListAccounts", call -> Answer.json(
                "{\"Accounts\":[" + account("210987654321", "ACTIVE") + "," + account("222222222222", "SUSPENDED") + "]}"));
        fake.on("sts", "AssumeRole", call -> Answer.xml("""
                <AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAMEMBER</AccessKeyId>
                <SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>%s</Expiration>
                </Credentials></AssumeRoleResult></AssumeRoleResponse>""".formatted(Instant.now().plusSeconds(3600))));
        fake.on("ec2", "DescribeRegions", call -> Answer.xml(
                "<DescribeRegionsResponse><regionInfo><item><regionName>eu-west-1</regionName></item></regionInfo>"
                        + "</DescribeRegionsResponse>"));
        assertThat(discovery.organizationAccounts(List.of())).containsExactly("210987654321");
        assertThat(discovery.enabledRegions("210987654321")).containsExactly("eu-west-1");
        assertThat(fake.calls("sts", "AssumeRole").get(0).params())
                .containsEntry("RoleArn", "arn:aws:iam::210987654321:role/inventory")
                .containsEntry("ExternalId", "ext-9").containsEntry("RoleSessionName", "sliceflow-discovery");
        assertThat(fake.calls("ec2", "DescribeRegions").get(0).accessKeyId()).isEqualTo("ASIAMEMBER");
    }

    @Test
    void create_whenAwsEndpointUrlIsConfigured_callsItForOrganizationsAndEc2() {
        fake.on("organizations", "ListAccounts", call -> Answer.json(
                "{\"Accounts\":[" + account("111111111111", "ACTIVE") + "]}"));
        AwsDiscovery configured = AwsDiscovery.create("us-east-1", AwsTestSupport.BASE, Optional.empty(),
                Optional.empty(), new AwsEndpoints(Map.of(AwsEndpoints.ALL, fake.endpoint()), false, false));
        assertThat(configured.organizationAccounts(List.of())).containsExactly("111111111111");
        assertThat(fake.calls("organizations", "ListAccounts")).hasSize(1);
    }
}

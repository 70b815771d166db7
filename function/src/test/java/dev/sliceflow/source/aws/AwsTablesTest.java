package dev.sliceflow.source.aws;

import static dev.sliceflow.source.aws.AwsTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Json;
import dev.sliceflow.source.Source;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each table's mapping, column by column, from AWS-shaped answers (AwsFixtures) served on loopback. */
class AwsTablesTest {
    private final FakeAws fake = new FakeAws();
    private final AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());

    AwsTablesTest() {
        AwsFixtures.install(fake);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private Source open() {
        return factory.open(AwsTestSupport.request(AwsFixtures.REGION, Map.of(), null));
    }

    private static JsonNode json(Object text) throws Exception {
        return Json.mapper().readTree((String) text);
    }

    @Test
    void iamUsers_whenTwoPages_mapsEveryUserWithPoliciesDecoded() throws Exception {
        try (Source source = open()) {
            List<Map<String, Object>> users = rows(source, "aws_iam_users");
            assertThat(users).extracting(r -> r.get("user_name")).containsExactly("alice", "bob");
            Map<String, Object> alice = users.get(0);
            assertThat(alice).containsEntry("account_id", "123456789012").containsEntry("region", "us-east-1")
                    .containsEntry("arn", "arn:aws:iam::123456789012:user/staff/alice")
                    .containsEntry("user_id", "AIDA").containsEntry("path", "/staff/")
                    .containsEntry("created_at", Instant.parse("2020-05-06T07:08:09.123Z"))
                    .containsEntry("groups", "[\"admins\"]")
                    .containsEntry("attached_policies",
                            "[{\"arn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\",\"name\":\"ReadOnly\"}]")
                    .containsEntry("permissions_boundary",
                            "{\"type\":\"Policy\",\"arn\":\"arn:aws:iam::123456789012:policy/boundary\"}")
                    .containsEntry("tags", "{\"team\":\"data\"}");
            // URL-decoded, "+" kept: the document is the one IAM holds
            assertThat(json(alice.get("inline_policies")).get("inline")).isEqualTo(json(AwsFixtures.POLICY));
            assertThat(users.get(1)).containsEntry("permissions_boundary", null).containsEntry("tags", "{}");
        }
        assertThat(fake.calls("iam", "GetAccountAuthorizationDetails").stream()
                .filter(c -> "User".equals(c.params().get("Filter.member.1"))).map(c -> c.params().get("Marker")))
                .containsExactly(null, "page2");
    }

    @Test
    void iamRolesAndPolicies_whenListed_holdTrustPolicyAndDefaultVersionAsJson() throws Exception {
        try (Source source = open()) {
            Map<String, Object> role = rows(source, "aws_iam_roles").get(0);
            assertThat(role).containsEntry("role_name", "worker").containsEntry("role_id", "AROA1")
                    .containsEntry("last_used_at", Instant.parse("2026-11-01T10:00:00Z"))
                    .containsEntry("last_used_region", "eu-west-1")
                    .containsEntry("instance_profiles",
                            "[{\"arn\":\"arn:aws:iam::123456789012:instance-profile/ip\",\"name\":\"ip\"}]")
                    .containsEntry("inline_policies", "{}").containsEntry("tags", "{\"env\":\"prod\"}");
            assertThat(json(role.get("trust_policy"))).isEqualTo(json(AwsFixtures.TRUST));
            Map<String, Object> policy = rows(source, "aws_iam_policies").get(0);
            assertThat(policy).containsEntry("arn", "arn:aws:iam::123456789012:policy/reader")
                    .containsEntry("default_version_id", "v2").containsEntry("attachment_count", 3L)
                    .containsEntry("permissions_boundary_usage_count", 0L).containsEntry("is_attachable", true)
                    .containsEntry("description", "reads things")
                    .containsEntry("updated_at", Instant.parse("2021-01-01T00:00:00Z"))
                    .containsEntry("tags", "{\"owner\":\"sec\"}");
            assertThat(json(policy.get("document"))).isEqualTo(json(AwsFixtures.POLICY));
        }
    }

    @Test
    void ec2Instances_whenThreePages_followsNextTokenAndMapsColumns() throws Exception {
        try (Source source = open()) {
            List<Map<String, Object>> instances = rows(source, "aws_ec2_instances");
            assertThat(instances).extracting(r -> r.get("instance_id"))
                    .containsExactly("i-00", "i-01", "i-10", "i-11", "i-20", "i-21");
            assertThat(instances.get(2)).containsEntry("arn", "arn:aws:ec2:us-east-1:123456789012:instance/i-10")
                    .containsEntry("reservation_id", "r-1").containsEntry("instance_type", "t3.micro")
                    .containsEntry("state", "running").containsEntry("image_id", "ami-1")
                    .containsEntry("launched_at", Instant.parse("2024-03-04T05:06:07Z"))
                    .containsEntry("availability_zone", "us-east-1a").containsEntry("vpc_id", "vpc-1")
                    .containsEntry("subnet_id", "subnet-1").containsEntry("private_ip_address", "10.0.0.1")
                    .containsEntry("public_ip_address", null).containsEntry("public_dns_name", "")
                    .containsEntry("architecture", "x86_64").containsEntry("metadata_http_tokens", "required")
                    .containsEntry("security_groups", "[{\"groupId\":\"sg-1\",\"groupName\":\"web\"}]")
                    .containsEntry("tags", "{\"Name\":\"web-i-10\"}");
            assertThat(json(instances.get(0).get("block_device_mappings")).get(0).path("ebs").path("volumeId")
                    .asText()).isEqualTo("vol-1");
        }
        assertThat(fake.calls("ec2", "DescribeInstances")).extracting(c -> c.params().get("NextToken"))
                .containsExactly(null, "p1", "p2");
    }

    @Test
    void ec2NetworkTables_whenListed_mapVpcsSubnetsAndSecurityGroupRules() throws Exception {
        try (Source source = open()) {
            assertThat(rows(source, "aws_ec2_vpcs").get(0))
                    .containsEntry("arn", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1")
                    .containsEntry("cidr_block", "10.0.0.0/16").containsEntry("is_default", true)
                    .containsEntry("state", "available").containsEntry("tags", "{}");
            assertThat(rows(source, "aws_ec2_subnets").get(0))
                    .containsEntry("arn", "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-1")
                    .containsEntry("available_ip_address_count", 250L).containsEntry("default_for_az", false)
                    .containsEntry("availability_zone_id", "use1-az1").containsEntry("tags", "{\"tier\":\"private\"}");
            Map<String, Object> group = rows(source, "aws_ec2_security_groups").get(0);
            assertThat(group).containsEntry("group_id", "sg-1").containsEntry("description", "web & \"api\"")
                    .containsEntry("arn", "arn:aws:ec2:us-east-1:123456789012:security-group/sg-1");
            JsonNode ingress = json(group.get("ingress_rules"));
            assertThat(ingress).hasSize(1);
            assertThat(ingress.get(0).path("fromPort").asText()).isEqualTo("443");
            assertThat(ingress.get(0).path("ipRanges").get(0).path("cidrIp").asText()).isEqualTo("0.0.0.0/0");
            assertThat(json(group.get("egress_rules")).get(0).path("ipProtocol").asText()).isEqualTo("-1");
        }
    }

    @Test
    void lambdaFunctions_whenTwoPages_keepOnlyEnvironmentVariableNames() throws Exception {
        try (Source source = open()) {
            List<Map<String, Object>> functions = rows(source, "aws_lambda_functions");
            assertThat(functions).extracting(r -> r.get("function_name")).containsExactly("first", "second");
            assertThat(functions.get(0)).containsEntry("runtime", "java21").containsEntry("memory_size", 512L)
                    .containsEntry("timeout_seconds", 30L).containsEntry("code_size", 1234L)
                    .containsEntry("description", "")
                    .containsEntry("last_modified_at", Instant.parse("2024-05-06T07:08:09.123Z"))
                    .containsEntry("architectures", "[\"arm64\"]").containsEntry("tracing_mode", "PassThrough")
                    .containsEntry("ephemeral_storage_size", 512L)
                    .containsEntry("environment_variable_names", "[\"SECRET\",\"MODE\"]")
                    .containsEntry("tags", "{\"app\":\"sliceflow\"}")
                    // not in ListFunctions' answer (its documented subset): from GetFunction
                    .containsEntry("state", "Active").containsEntry("last_update_status", "Successful")
                    .containsEntry("reserved_concurrency", 10L)
                    .containsEntry("policy", "{\"Version\":\"2012-10-17\",\"Statement\":[]}")
                    .containsEntry("url", "https://abc.lambda-url.us-east-1.on.aws/")
                    .containsEntry("url_auth_type", "NONE");
            assertThat(functions.get(0).values()).noneMatch(v -> String.valueOf(v).contains("do-not-copy"));
            // no policy, no URL: NULL, not a failure
            assertThat(functions.get(1)).containsEntry("state", "Active").containsEntry("policy", null)
                    .containsEntry("url", null).containsEntry("reserved_concurrency", null);
        }
    }

    @Test
    void dynamodbTables_whenOneIsDeletedWhileListing_skipsItAndMapsTheOther() throws Exception {
        try (Source source = open()) {
            List<Map<String, Object>> tables = rows(source, "aws_dynamodb_tables");
            assertThat(tables).hasSize(1);
            assertThat(tables.get(0)).containsEntry("table_name", "orders").containsEntry("item_count", 42L)
                    .containsEntry("created_at", Instant.parse("2023-11-14T22:13:20.123456Z"))
                    .containsEntry("billing_mode", "PAY_PER_REQUEST").containsEntry("deletion_protection", true)
                    .containsEntry("key_schema", "[{\"AttributeName\":\"id\",\"KeyType\":\"HASH\"}]")
                    .containsEntry("global_secondary_indexes", null).containsEntry("tags", "{\"owner\":\"shop\"}")
                    .containsEntry("point_in_time_recovery", true);
        }
    }

    @Test
    void kmsKeys_whenCustomerAndAwsManaged_rotationAndTagsOnlyWhereTheyApply() throws Exception {
        try (Source source = open()) {
            List<Map<String, Object>> keys = rows(source, "aws_kms_keys");
            assertThat(keys.get(0)).containsEntry("key_id", "k-1").containsEntry("key_manager", "CUSTOMER")
                    .containsEntry("rotation_enabled", true).containsEntry("tags", "{\"cost\":\"42\"}")
                    .containsEntry("created_at", Instant.parse("2020-09-13T12:26:40Z"))
                    .containsEntry("policy", "{\"Version\":\"2012-10-17\"}");
            assertThat(keys.get(1)).containsEntry("key_id", "k-2").containsEntry("rotation_enabled", null)
                    .containsEntry("tags", "{}");
        }
        assertThat(fake.calls("kms", "GetKeyRotationStatus")).hasSize(1);
        assertThat(fake.calls("kms", "ListResourceTags")).hasSize(1);
    }

    @Test
    void snsRdsCloudTrailEcs_whenListed_mapEveryTable() throws Exception {
        try (Source source = open()) {
            assertThat(rows(source, "aws_sns_topics").get(0)).containsEntry("name", "alerts")
                    .containsEntry("display_name", "Alerts").containsEntry("subscriptions_confirmed", 2L)
                    .containsEntry("fifo", false).containsEntry("policy", "{\"Version\":\"2008-10-17\",\"Statement\":[]}")
                    .containsEntry("tags", "{\"team\":\"ops\"}");
            assertThat(rows(source, "aws_rds_instances").get(0)).containsEntry("db_instance_identifier", "db1")
                    .containsEntry("endpoint_port", 5432L).containsEntry("storage_encrypted", true)
                    .containsEntry("vpc_id", "vpc-1").containsEntry("created_at", Instant.parse("2023-01-02T03:04:05.678Z"))
                    .containsEntry("vpc_security_groups", "[{\"id\":\"sg-1\",\"status\":\"active\"}]")
                    .containsEntry("tags", "{\"env\":\"prod\"}");
            assertThat(rows(source, "aws_cloudtrail_trails").get(0)).containsEntry("name", "main")
                    .containsEntry("is_multi_region", true).containsEntry("is_logging", true)
                    .containsEntry("latest_delivery_at", Instant.ofEpochSecond(1_700_000_000L))
                    .containsEntry("tags", "{\"audit\":\"yes\"}");
            assertThat(rows(source, "aws_ecs_clusters").get(0)).containsEntry("cluster_name", "apps")
                    .containsEntry("running_tasks", 3L).containsEntry("capacity_providers", "[\"FARGATE\"]")
                    .containsEntry("tags", "{\"team\":\"platform\"}");
        }
        assertThat(fake.calls("cloudtrail", "DescribeTrails").get(0).body()).contains("\"includeShadowTrails\":false");
    }

    @Test
    void cloudfrontDistributions_whenTheDocumentedSummaryShape_mapsEveryColumn() throws Exception {
        // ListDistributions as the CloudFront API reference documents DistributionList/DistributionSummary
        fake.on("cloudfront", "GET /2020-05-31/distribution", call -> Answer.xml("""
                <DistributionList xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Marker></Marker>
                <MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>1</Quantity><Items>
                <DistributionSummary><Id>E1ABC</Id><ARN>arn:aws:cloudfront::123456789012:distribution/E1ABC</ARN>
                <Status>Deployed</Status><LastModifiedTime>2024-01-02T03:04:05.678Z</LastModifiedTime>
                <DomainName>d111.cloudfront.net</DomainName>
                <Aliases><Quantity>2</Quantity><Items><CNAME>www.example.com</CNAME><CNAME>example.com</CNAME></Items>
                </Aliases><Origins><Quantity>1</Quantity><Items><Origin><Id>s3</Id>
                <DomainName>b.s3.amazonaws.com</DomainName></Origin></Items></Origins>
                <DefaultCacheBehavior><TargetOriginId>s3</TargetOriginId>
                <ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy></DefaultCacheBehavior>
                <ViewerCertificate><MinimumProtocolVersion>TLSv1.2_2021</MinimumProtocolVersion></ViewerCertificate>
                <PriceClass>PriceClass_100</PriceClass><Enabled>true</Enabled><WebACLId>arn:aws:wafv2:acl</WebACLId>
                <HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled></DistributionSummary></Items>
                </DistributionList>"""));
        try (Source source = open()) {
            assertThat(rows(source, "aws_cloudfront_distributions")).singleElement().satisfies(d -> assertThat(d)
                    .containsEntry("arn", "arn:aws:cloudfront::123456789012:distribution/E1ABC")
                    .containsEntry("enabled", true)
                    .containsEntry("aliases", "[\"www.example.com\",\"example.com\"]")
                    .containsEntry("origin_domain_names", "[\"b.s3.amazonaws.com\"]")
                    .containsEntry("viewer_protocol_policy", "redirect-to-https")
                    .containsEntry("minimum_protocol_version", "TLSv1.2_2021")
                    .containsEntry("web_acl_id", "arn:aws:wafv2:acl").containsEntry("ipv6_enabled", true)
                    .containsEntry("last_modified_at", Instant.parse("2024-01-02T03:04:05.678Z")));
        }
    }

    @Test
    void credentialReport_whenGeneratedThenRead_mapsRootAndUsersWithNotApplicableAsNull() throws Exception {
        try (Source source = open()) {
            List<Map<String, Object>> report = rows(source, "aws_iam_credential_report");
            assertThat(report).extracting(r -> r.get("user_name")).containsExactly("<root_account>", "alice");
            assertThat(report.get(0)).containsEntry("arn", "arn:aws:iam::123456789012:root")
                    .containsEntry("is_root", true).containsEntry("mfa_active", true)
                    .containsEntry("password_enabled", null)
                    .containsEntry("password_last_used", Instant.parse("2026-11-01T08:00:00Z"))
                    .containsEntry("access_key_1_active", false).containsEntry("access_key_1_last_rotated", null);
            assertThat(report.get(1)).containsEntry("is_root", false).containsEntry("password_enabled", true)
                    .containsEntry("password_last_used", null).containsEntry("mfa_active", false)
                    .containsEntry("access_key_1_last_used", Instant.parse("2026-11-20T10:00:00Z"));
        }
        // STARTED, then COMPLETE: polled until done
        assertThat(fake.calls("iam", "GenerateCredentialReport")).hasSize(2);
    }
}

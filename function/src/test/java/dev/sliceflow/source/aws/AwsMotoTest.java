package dev.sliceflow.source.aws;

import dev.sliceflow.testing.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Json;
import dev.sliceflow.source.RowSink;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * The aws source against moto's server mode: a second implementation of the AWS APIs, written by others, seeded
 * with boto3 (src/test/resources/moto/seed.py). Every table is synced for one account in its global region and in
 * a second region, through the AWS_ENDPOINT_URL setting, and the IAM actions it called are checked against the
 * generated policy. Where moto answers unlike AWS's documentation, the assertion follows the documentation and
 * says so.
 */
class AwsMotoTest {
    private static MotoServer moto;
    private static RecordingProxy proxy;
    private static JsonNode seeded;

    @BeforeAll
    static void start() throws Exception {
        String missing = MotoServer.missing();
        assumeTrue(missing == null, () -> "moto's server is needed for this test: " + missing);
        Path log = Files.createTempFile("moto-", ".log");
        moto = MotoServer.start(log);
        Path script = Path.of(AwsMotoTest.class.getResource("/moto/seed.py").toURI());
        seeded = Json.mapper().readTree(moto.run(script));
        proxy = new RecordingProxy(moto.endpoint());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    private static AwsSourceFactory factory() {
        // Only the general variable: every service, S3 and SQS included, goes to moto (through the recorder).
        return new AwsSourceFactory(Region.US_EAST_1, AwsTestSupport.BASE, Optional.empty(), Optional.empty(),
                new AwsEndpoints(Map.of(AwsEndpoints.ALL, proxy.endpoint()), false, false));
    }

    /** Every table of a slice: rows by table, and the reasons of any skipped row. */
    private record Synced(Map<String, List<Map<String, Object>>> rows, List<String> skipped) {
        List<Map<String, Object>> of(String table) {
            return rows.get(table);
        }

        Map<String, Object> one(String table, String column, Object value) {
            return of(table).stream().filter(r -> value.equals(r.get(column))).findFirst()
                    .orElseThrow(() -> new AssertionError(table + " has no row with " + column + "=" + value
                            + ": " + of(table)));
        }
    }

    private static Synced sync(String region) throws Exception {
        Map<String, List<Map<String, Object>>> all = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        try (Source source = factory().open(AwsTestSupport.request(region, Map.of(), null))) {
            for (Table table : source.tables()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                table.scan(new RowSink() {
                    @Override
                    public void accept(Object[] row) {
                        Map<String, Object> map = new LinkedHashMap<>();
                        for (int i = 0; i < row.length; i++) {
                            map.put(table.schema().column(i).name(), row[i]);
                        }
                        rows.add(map);
                    }

                    @Override
                    public void skipped(String reason) {
                        skipped.add(reason);
                    }
                });
                all.put(table.schema().name(), rows);
            }
        }
        return new Synced(all, skipped);
    }

    private static JsonNode json(Object text) throws Exception {
        return Json.mapper().readTree((String) text);
    }

    @Test
    void sync_whenEveryTableIsReadFromMoto_mapsTheSeededResourcesAndCallsExactlyThePolicysActions()
            throws Exception {
        Synced synced = sync("us-east-1");
        assertThat(synced.skipped()).isEmpty();
        assertThat(synced.rows().keySet()).containsExactlyElementsOf(
                AwsTables.ALL.stream().map(AwsTable::name).toList());
        List<String> empty = synced.rows().entrySet().stream().filter(e -> e.getValue().isEmpty())
                .map(Map.Entry::getKey).toList();
        assertThat(empty).as("every table has seeded rows").isEmpty();
        for (AwsTable table : AwsTables.ALL) {
            for (Map<String, Object> row : synced.of(table.name())) {
                for (dev.sliceflow.schema.Column column : table.schema().columns()) {
                    Object value = row.get(column.name());
                    String where = table.name() + "." + column.name();
                    if (value == null) {
                        assertThat(column.nullable()).as(where + " is NULL").isTrue();
                    } else {
                        assertThat(value).as(where).isInstanceOf(switch (column.type()) {
                            case STRING, JSON -> String.class;
                            case LONG -> Long.class;
                            case DOUBLE -> Double.class;
                            case BOOLEAN -> Boolean.class;
                            case TIMESTAMP -> java.time.Instant.class;
                            default -> Object.class;
                        });
                        if (column.type() == dev.sliceflow.schema.ColumnType.JSON) {
                            json(value); // parses
                        }
                    }
                }
            }
        }

        // IAM (global)
        Map<String, Object> alice = synced.one("aws_iam_users", "user_name", "alice");
        assertThat(alice).containsEntry("path", "/staff/").containsEntry("tags", "{\"team\":\"data\"}");
        assertThat(json(alice.get("inline_policies")).path("inline").path("Statement").get(0).path("Action").asText())
                .isEqualTo("s3:GetObject");
        assertThat(json(alice.get("attached_policies")).get(0).path("arn").asText())
                .isEqualTo(seeded.path("policy_arn").asText());
        Map<String, Object> role = synced.one("aws_iam_roles", "role_name", "worker");
        assertThat(role).containsEntry("arn", seeded.path("role_arn").asText()).containsEntry("tags",
                "{\"env\":\"prod\"}");
        assertThat(json(role.get("trust_policy")).path("Statement").get(0).path("Principal").path("Service").asText())
                .isEqualTo("lambda.amazonaws.com");
        // moto leaves PolicyName and PolicyId out of ManagedPolicyDetail, which AWS documents: the name comes from
        // the ARN then, the id stays NULL
        Map<String, Object> policy = synced.one("aws_iam_policies", "policy_name", "reader");
        assertThat(policy).containsEntry("description", "reads things").containsEntry("tags", "{\"owner\":\"sec\"}")
                .containsEntry("attachment_count", 1L);
        assertThat(json(policy.get("document")).path("Statement").get(0).path("Action").asText())
                .isEqualTo("s3:List*");

        assertThat(synced.one("aws_iam_access_keys", "access_key_id", seeded.path("access_key_id").asText()))
                .containsEntry("user_name", "alice").containsEntry("status", "Active");
        assertThat(synced.one("aws_iam_access_keys", "access_key_id", seeded.path("access_key_id").asText())
                .get("created_at")).isNotNull();
        assertThat(synced.one("aws_iam_virtual_mfa_devices", "arn", seeded.path("mfa_serial").asText()))
                .containsEntry("user_name", "alice").containsEntry("is_root", false);
        assertThat(synced.of("aws_iam_password_policy")).singleElement().satisfies(p -> assertThat(p)
                .containsEntry("arn", "arn:aws:iam::123456789012:root").containsEntry("minimum_password_length", 14L)
                .containsEntry("require_symbols", true).containsEntry("password_reuse_prevention", 24L)
                .containsEntry("max_password_age", 90L));
        assertThat(synced.of("aws_iam_account_summary")).singleElement().satisfies(a -> assertThat(a)
                .containsEntry("users", 1L).containsEntry("mfa_devices_in_use", 1L));

        Map<String, Object> reported = synced.one("aws_iam_credential_report", "user_name", "alice");
        assertThat(reported).containsEntry("arn", "arn:aws:iam::123456789012:user/staff/alice")
                .containsEntry("is_root", false).containsEntry("access_key_1_active", true)
                .containsEntry("mfa_active", true);
        assertThat(reported.get("created_at")).isNotNull();

        // S3: the bucket list is global; each bucket's region is its own
        Map<String, Object> logs = synced.one("aws_s3_buckets", "name", "sliceflow-moto-logs");
        assertThat(logs).containsEntry("bucket_region", "us-east-1").containsEntry("versioning_status", "Enabled")
                .containsEntry("tags", "{\"cost\":\"42\"}").containsEntry("sub_errors", null);
        assertThat(json(logs.get("public_access_block")).path("block_public_acls").asBoolean()).isTrue();
        assertThat(json(logs.get("encryption")).get(0).path("sse_algorithm").asText()).isEqualTo("AES256");
        assertThat(json(logs.get("policy")).path("Statement").get(0).path("Effect").asText()).isEqualTo("Deny");
        assertThat(logs.get("logging")).isEqualTo("{\"target_bucket\":\"sliceflow-moto-access\",\"target_prefix\":\"access/\"}");
        assertThat(json(logs.get("lifecycle_rules")).get(0).path("expiration_days").asInt()).isEqualTo(30);
        assertThat(json(logs.get("replication")).path("rules").get(0).path("destination_bucket").asText())
                .isEqualTo("arn:aws:s3:::sliceflow-moto-eu");
        assertThat(logs).containsEntry("object_ownership", "BucketOwnerEnforced");
        assertThat(synced.one("aws_s3_buckets", "name", "sliceflow-moto-eu")).containsEntry("policy", null)
                .containsEntry("lifecycle_rules", null).containsEntry("replication", null)
                .as("not configured is NULL, not an error").containsEntry("sub_errors", null);
        assertThat(synced.one("aws_s3_buckets", "name", "sliceflow-moto-eu")).containsEntry("bucket_region",
                "eu-west-1");

        // SQS, SNS (more than one page of topics), subscriptions
        Map<String, Object> jobs = synced.one("aws_sqs_queues", "name", "jobs");
        assertThat(jobs).containsEntry("visibility_timeout_seconds", 60L).containsEntry("tags",
                "{\"app\":\"sliceflow\"}");
        assertThat(json(jobs.get("redrive_policy")).path("maxReceiveCount").asInt()).isEqualTo(5);
        assertThat(synced.of("aws_sns_topics")).hasSize(102);
        assertThat(synced.one("aws_sns_topics", "name", "topic-100")).containsEntry("tags", "{\"n\":\"100\"}");
        assertThat(synced.one("aws_sns_topics", "name", "alerts")).containsEntry("display_name", "Alerts");
        assertThat(synced.one("aws_sns_subscriptions", "protocol", "sqs").get("topic_arn").toString())
                .endsWith(":alerts");

        // EC2: instances with their tags; security-group rules as nested JSON
        assertThat(synced.of("aws_ec2_instances")).extracting(r -> r.get("instance_id"))
                .containsExactlyInAnyOrderElementsOf(
                        List.of(seeded.path("instance_ids").get(0).asText(), seeded.path("instance_ids").get(1).asText()));
        assertThat(synced.of("aws_ec2_instances").get(0)).containsEntry("tags", "{\"app\":\"web\"}")
                .containsEntry("instance_type", "t3.micro").containsEntry("vpc_id", seeded.path("vpc_id").asText());
        Map<String, Object> sg = synced.one("aws_ec2_security_groups", "group_id", seeded.path("sg_id").asText());
        JsonNode ingress = json(sg.get("ingress_rules")).get(0);
        assertThat(ingress.path("fromPort").asText()).isEqualTo("443");
        assertThat(ingress.path("ipRanges").get(0).path("cidrIp").asText()).isEqualTo("0.0.0.0/0");
        assertThat(ingress.path("groups").isArray()).as("an empty list is [], not \"\"").isTrue();
        assertThat(synced.one("aws_ec2_vpcs", "vpc_id", seeded.path("vpc_id").asText()))
                .containsEntry("tags", "{\"Name\":\"main\"}").containsEntry("cidr_block", "10.1.0.0/16");
        assertThat(synced.one("aws_ec2_subnets", "cidr_block", "10.1.1.0/24")).containsEntry("availability_zone",
                "us-east-1a");

        assertThat(synced.one("aws_ec2_instances", "instance_id", seeded.path("instance_ids").get(0).asText())
                .get("network_interfaces").toString()).contains("\"subnetId\":\"");
        assertThat(synced.one("aws_ec2_volumes", "volume_id", seeded.path("volume_id").asText()))
                .containsEntry("size_gib", 8L).containsEntry("volume_type", "gp3").containsEntry("encrypted", true)
                .containsEntry("tags", "{\"data\":\"yes\"}");
        assertThat(synced.one("aws_ec2_snapshots", "snapshot_id", seeded.path("snapshot_id").asText()))
                .containsEntry("volume_id", seeded.path("volume_id").asText()).containsEntry("description", "nightly");
        assertThat(synced.of("aws_ec2_snapshots")).as("only the account's own snapshots")
                .allSatisfy(r -> assertThat(r).containsEntry("owner_id", "123456789012"));
        assertThat(synced.of("aws_ec2_images")).as("only the account's own images").singleElement()
                .satisfies(r -> assertThat(r).containsEntry("image_id", seeded.path("image_id").asText())
                        .containsEntry("name", "web-golden"));
        assertThat(synced.one("aws_ec2_elastic_ips", "allocation_id", seeded.path("allocation_id").asText()))
                .containsEntry("instance_id", seeded.path("instance_ids").get(0).asText())
                .containsEntry("domain", "vpc");
        assertThat(synced.of("aws_ec2_network_interfaces")).extracting(r -> r.get("subnet_id")).contains(
                synced.one("aws_ec2_subnets", "cidr_block", "10.1.1.0/24").get("subnet_id"));
        Map<String, Object> routes = synced.one("aws_ec2_route_tables", "route_table_id",
                seeded.path("route_table_id").asText());
        assertThat(json(routes.get("routes")).findValuesAsText("gatewayId")).contains(seeded.path("igw_id").asText());
        assertThat(synced.one("aws_ec2_internet_gateways", "internet_gateway_id", seeded.path("igw_id").asText())
                .get("attachments").toString()).contains(seeded.path("vpc_id").asText());
        assertThat(synced.one("aws_ec2_nat_gateways", "nat_gateway_id", seeded.path("nat_gateway_id").asText()))
                .containsEntry("vpc_id", seeded.path("vpc_id").asText());
        Map<String, Object> acl = synced.one("aws_ec2_network_acls", "network_acl_id",
                seeded.path("network_acl_id").asText());
        assertThat(json(acl.get("entries")).findValuesAsText("ruleAction")).contains("deny");
        assertThat(synced.one("aws_ec2_flow_logs", "flow_log_id", seeded.path("flow_log_id").asText()))
                .containsEntry("traffic_type", "REJECT").containsEntry("resource_id", seeded.path("vpc_id").asText());
        Map<String, Object> rule = synced.of("aws_ec2_security_group_rules").stream()
                .filter(r -> seeded.path("sg_id").asText().equals(r.get("group_id"))
                        && Boolean.FALSE.equals(r.get("is_egress"))).findFirst().orElseThrow();
        assertThat(rule).containsEntry("ip_protocol", "tcp").containsEntry("from_port", 443L)
                .containsEntry("to_port", 443L).containsEntry("cidr_ipv4", "0.0.0.0/0");

        // Lambda: from GetFunction, not ListFunctions' documented subset
        Map<String, Object> fn = synced.one("aws_lambda_functions", "function_name", "resize");
        assertThat(fn).containsEntry("arn", seeded.path("function_arn").asText()).containsEntry("memory_size", 256L)
                .containsEntry("state", "Active").containsEntry("reserved_concurrency", 5L)
                .containsEntry("tags", "{\"app\":\"sliceflow\"}")
                .containsEntry("environment_variable_names", "[\"SECRET\",\"MODE\"]");
        assertThat(fn.values()).noneMatch(v -> String.valueOf(v).contains("do-not-copy"));
        assertThat(json(fn.get("policy")).path("Statement").get(0).path("Principal").path("Service").asText())
                .isEqualTo("s3.amazonaws.com");

        // DynamoDB: more than one page of tables (Limit 100)
        assertThat(synced.of("aws_dynamodb_tables")).hasSize(101);
        assertThat(synced.one("aws_dynamodb_tables", "table_name", "t-000")).containsEntry("point_in_time_recovery", true)
                .containsEntry("billing_mode", "PAY_PER_REQUEST").containsEntry("tags", "{\"n\":\"0\"}");
        assertThat(synced.one("aws_dynamodb_tables", "table_name", "t-100")).containsEntry("point_in_time_recovery",
                false);

        // KMS
        Map<String, Object> key = synced.one("aws_kms_keys", "key_id", seeded.path("key_id").asText());
        assertThat(key).containsEntry("rotation_enabled", true).containsEntry("tags", "{\"cost\":\"42\"}")
                .containsEntry("key_manager", "CUSTOMER");
        assertThat(json(key.get("policy")).path("Statement").isArray()).isTrue();
        assertThat(synced.one("aws_kms_aliases", "alias_name", "alias/data")).containsEntry("target_key_id",
                seeded.path("key_id").asText());

        // RDS, CloudTrail, ECS
        assertThat(synced.one("aws_rds_instances", "db_instance_identifier", "db1")).containsEntry("engine", "postgres")
                .containsEntry("storage_encrypted", true).containsEntry("iam_database_authentication_enabled", true)
                .containsEntry("tags", "{\"tier\":\"db\"}");
        assertThat(synced.one("aws_rds_clusters", "db_cluster_identifier", "cluster1"))
                .containsEntry("engine", "aurora-postgresql").containsEntry("tags", "{\"tier\":\"db\"}");
        assertThat(synced.one("aws_cloudtrail_trails", "name", "org-trail")).containsEntry("is_multi_region", true)
                .containsEntry("is_logging", true).containsEntry("tags", "{\"sec\":\"yes\"}");
        assertThat(synced.one("aws_ecs_clusters", "cluster_name", "apps")).containsEntry("tags",
                "{\"team\":\"platform\"}");

        // Logs, CloudWatch, ELBv2, ECR, EKS
        assertThat(synced.one("aws_logs_log_groups", "log_group_name", "/app/web")).containsEntry("retention_in_days",
                365L).containsEntry("arn", "arn:aws:logs:us-east-1:123456789012:log-group:/app/web");
        assertThat(synced.one("aws_cloudwatch_alarms", "alarm_name", "root-usage")).containsEntry("threshold", 1.0)
                .containsEntry("metric_name", "RootAccountUsage").containsEntry("namespace", "CISBenchmark");
        Map<String, Object> lb = synced.one("aws_elbv2_load_balancers", "arn", seeded.path("lb_arn").asText());
        assertThat(lb).containsEntry("name", "web-lb").containsEntry("scheme", "internet-facing");
        assertThat(json(lb.get("attributes")).has("deletion_protection.enabled")).isTrue();
        assertThat(synced.one("aws_elbv2_listeners", "load_balancer_arn", seeded.path("lb_arn").asText()))
                .containsEntry("port", 80L).containsEntry("protocol", "HTTP");
        assertThat(synced.one("aws_elbv2_target_groups", "name", "web-tg")).containsEntry("port", 80L)
                .containsEntry("load_balancer_arns", "[\"" + seeded.path("lb_arn").asText() + "\"]");
        assertThat(synced.one("aws_ecr_repositories", "repository_name", "web")).containsEntry("scan_on_push", true)
                .containsEntry("image_tag_mutability", "IMMUTABLE");
        assertThat(synced.one("aws_eks_clusters", "name", "prod")).containsEntry("endpoint_public_access", false)
                .containsEntry("version", "1.29").containsEntry("tags", "{\"env\":\"prod\"}");

        // Secrets Manager and SSM: metadata, never a value
        assertThat(synced.one("aws_secretsmanager_secrets", "name", "db-password")).containsEntry("description", "db")
                .containsEntry("tags", "{\"app\":\"db\"}");
        assertThat(synced.one("aws_ssm_parameters", "name", "/app/token")).containsEntry("type", "SecureString")
                .containsEntry("arn", "arn:aws:ssm:us-east-1:123456789012:parameter/app/token");
        assertThat(synced.rows().values().stream().flatMap(List::stream).flatMap(r -> r.values().stream()))
                .as("no secret value anywhere").noneMatch(v -> String.valueOf(v).contains("do-not-copy"));

        // ACM, Config, GuardDuty, EFS, Backup
        assertThat(synced.one("aws_acm_certificates", "arn", seeded.path("certificate_arn").asText()))
                .containsEntry("domain_name", "example.com");
        assertThat(synced.one("aws_config_recorders", "name", "default")).containsEntry("all_supported", true)
                .containsEntry("recording", true);
        assertThat(synced.one("aws_guardduty_detectors", "detector_id", seeded.path("detector_id").asText()))
                .containsEntry("status", "ENABLED").containsEntry("finding_publishing_frequency", "SIX_HOURS");
        assertThat(synced.one("aws_efs_file_systems", "file_system_id", seeded.path("file_system_id").asText()))
                .containsEntry("encrypted", true).containsEntry("name", "data");
        assertThat(synced.one("aws_backup_vaults", "name", "vault1").get("arn").toString()).contains(":backup-vault:");

        // Security Hub (regional), Route 53 and CloudFront (global)
        assertThat(synced.of("aws_securityhub_hub")).singleElement().satisfies(h -> assertThat(h.get("arn").toString())
                .startsWith("arn:aws:securityhub:us-east-1:123456789012:hub/"));
        assertThat(synced.one("aws_route53_hosted_zones", "zone_id", seeded.path("zone_id").asText()))
                .containsEntry("name", "example.com.").containsEntry("private_zone", false)
                .containsEntry("tags", "{\"team\":\"dns\"}");
        // moto's DistributionSummary holds only Id, ARN, Status, LastModifiedTime and DomainName; AWS documents
        // Enabled, Aliases, Origins, DefaultCacheBehavior, ViewerCertificate and more: AwsTablesTest maps those
        // from the documented shape. (moto's ARN also lacks the empty region field: arn:aws:cloudfront::acct:...)
        assertThat(synced.one("aws_cloudfront_distributions", "id", seeded.path("distribution_id").asText()))
                .containsEntry("status", "Deployed").extractingByKey("domain_name").asString().endsWith(".cloudfront.net");

        // The generated policy is exactly sufficient: every action called is in it, every action in it was called.
        Set<String> policyActions = AwsTables.ALL.stream().flatMap(t -> t.permissions().stream())
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(new TreeSet<>(proxy.actions())).as("actions called").isSubsetOf(policyActions);
        assertThat(policyActions).as("policy actions").isSubsetOf(proxy.actions());
    }

    @Test
    void sync_whenTheSliceIsNotTheGlobalRegion_globalTablesAreEmptyAndRegionalOnesAreThatRegions()
            throws Exception {
        Synced synced = sync("eu-west-1");
        for (AwsTable table : AwsTables.ALL) {
            if (table.scope() == AwsTable.Scope.GLOBAL) {
                assertThat(synced.of(table.name())).as(table.name() + " once per account, in us-east-1").isEmpty();
            }
        }
        assertThat(synced.of("aws_sqs_queues")).isEmpty();
        assertThat(synced.of("aws_dynamodb_tables")).isEmpty();
        assertThat(synced.of("aws_ec2_instances")).isEmpty();
    }
}

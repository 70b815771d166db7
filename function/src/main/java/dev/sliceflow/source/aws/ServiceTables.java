package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Element;

/** Lambda, DynamoDB, KMS, SNS, RDS, CloudTrail and ECS: regional tables over {@link AwsApi}. */
final class ServiceTables {
    private ServiceTables() {
    }

    // ---------------------------------------------------------------- Lambda (REST-JSON)

    static final AwsTable LAMBDA_FUNCTIONS = AwsTable.builder("aws_lambda_functions")
            .required("arn", STRING)
            .required("function_name", STRING)
            .column("runtime", STRING)
            .column("handler", STRING)
            .column("role", STRING)
            .column("description", STRING)
            .column("code_size", LONG)
            .column("memory_size", LONG)
            .column("timeout_seconds", LONG)
            .column("ephemeral_storage_size", LONG)
            .column("last_modified_at", TIMESTAMP)
            .column("version", STRING)
            .column("state", STRING)
            .column("package_type", STRING)
            .column("architectures", JSON)
            .column("environment_variable_names", JSON)
            .column("vpc_config", JSON)
            .column("layers", JSON)
            .column("tracing_mode", STRING)
            .column("kms_key_arn", STRING)
            .column("tags", JSON)
            .key("arn")
            .permissions("lambda:ListFunctions", "lambda:ListTags")
            .scanner(ServiceTables::lambdaFunctions);

    private static void lambdaFunctions(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.restGet(api, AwsService.LAMBDA, "ListFunctions", "/2015-03-31/functions/", Map.of("MaxItems", "50"),
                "NextMarker", "Marker", page -> {
            for (JsonNode f : page.path("Functions")) {
                String arn = Values.text(f, "FunctionArn");
                JsonNode tags = api.restGet(AwsService.LAMBDA, "ListTags", "/2017-03-31/tags/"
                        + URLEncoder.encode(arn, StandardCharsets.UTF_8), Map.of()).path("Tags");
                // Environment variable values may be secrets: only their names are kept.
                ArrayNode envNames = JsonNodeFactory.instance.arrayNode();
                f.path("Environment").path("Variables").fieldNames().forEachRemaining(envNames::add);
                rows.set("arn", arn)
                        .set("function_name", Values.text(f, "FunctionName"))
                        .set("runtime", Values.text(f, "Runtime"))
                        .set("handler", Values.text(f, "Handler"))
                        .set("role", Values.text(f, "Role"))
                        .set("description", Values.text(f, "Description"))
                        .set("code_size", Values.longValue(f, "CodeSize"))
                        .set("memory_size", Values.longValue(f, "MemorySize"))
                        .set("timeout_seconds", Values.longValue(f, "Timeout"))
                        .set("ephemeral_storage_size", f.path("EphemeralStorage").has("Size")
                                ? f.path("EphemeralStorage").get("Size").asLong() : null)
                        .set("last_modified_at", Values.instant(Values.text(f, "LastModified")))
                        .set("version", Values.text(f, "Version"))
                        .set("state", Values.text(f, "State"))
                        .set("package_type", Values.text(f, "PackageType"))
                        .set("architectures", Values.json(f, "Architectures"))
                        .set("environment_variable_names", envNames.toString())
                        .set("vpc_config", Values.json(f, "VpcConfig"))
                        .set("layers", Values.json(f, "Layers"))
                        .set("tracing_mode", f.path("TracingConfig").path("Mode").asText(null))
                        .set("kms_key_arn", Values.text(f, "KMSKeyArn"))
                        .set("tags", tags.isObject() ? tags.toString() : "{}")
                        .emit();
            }
        });
    }

    // ---------------------------------------------------------------- DynamoDB (JSON 1.0)

    static final AwsTable DYNAMODB_TABLES = AwsTable.builder("aws_dynamodb_tables")
            .required("arn", STRING)
            .required("table_name", STRING)
            .column("table_id", STRING)
            .column("status", STRING)
            .column("created_at", TIMESTAMP)
            .column("item_count", LONG)
            .column("size_bytes", LONG)
            .column("billing_mode", STRING)
            .column("read_capacity_units", LONG)
            .column("write_capacity_units", LONG)
            .column("deletion_protection", BOOLEAN)
            .column("table_class", STRING)
            .column("key_schema", JSON)
            .column("attribute_definitions", JSON)
            .column("global_secondary_indexes", JSON)
            .column("local_secondary_indexes", JSON)
            .column("stream_specification", JSON)
            .column("sse_description", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:ListTagsOfResource")
            .scanner(ServiceTables::dynamodbTables);

    private static void dynamodbTables(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.json(api, AwsService.DYNAMODB, "ListTables", AwsApi.body().put("Limit", 100), "LastEvaluatedTableName",
                "ExclusiveStartTableName", page -> {
                    for (JsonNode name : page.path("TableNames")) {
                        JsonNode t;
                        try {
                            t = api.json(AwsService.DYNAMODB, "DescribeTable",
                                    AwsApi.body().put("TableName", name.asText())).path("Table");
                        } catch (AwsApiException e) {
                            if ("ResourceNotFoundException".equals(e.errorCode())) {
                                continue; // deleted since ListTables
                            }
                            throw e;
                        }
                        String arn = Values.text(t, "TableArn");
                        ArrayNode tags = JsonNodeFactory.instance.arrayNode();
                        Pages.json(api, AwsService.DYNAMODB, "ListTagsOfResource",
                                AwsApi.body().put("ResourceArn", arn), "NextToken",
                                tagPage -> tagPage.path("Tags").forEach(tags::add));
                        rows.set("arn", arn)
                                .set("table_name", Values.text(t, "TableName"))
                                .set("table_id", Values.text(t, "TableId"))
                                .set("status", Values.text(t, "TableStatus"))
                                .set("created_at", Values.epochSeconds(t.get("CreationDateTime")))
                                .set("item_count", Values.longValue(t, "ItemCount"))
                                .set("size_bytes", Values.longValue(t, "TableSizeBytes"))
                                .set("billing_mode", t.path("BillingModeSummary").path("BillingMode")
                                        .asText("PROVISIONED"))
                                .set("read_capacity_units", Values.longValue(t.path("ProvisionedThroughput"),
                                        "ReadCapacityUnits"))
                                .set("write_capacity_units", Values.longValue(t.path("ProvisionedThroughput"),
                                        "WriteCapacityUnits"))
                                .set("deletion_protection", Values.bool(t, "DeletionProtectionEnabled"))
                                .set("table_class", t.path("TableClassSummary").path("TableClass").asText(null))
                                .set("key_schema", Values.json(t, "KeySchema"))
                                .set("attribute_definitions", Values.json(t, "AttributeDefinitions"))
                                .set("global_secondary_indexes", Values.json(t, "GlobalSecondaryIndexes"))
                                .set("local_secondary_indexes", Values.json(t, "LocalSecondaryIndexes"))
                                .set("stream_specification", Values.json(t, "StreamSpecification"))
                                .set("sse_description", Values.json(t, "SSEDescription"))
                                .set("tags", Values.tags(tags))
                                .emit();
                    }
                });
    }

    // ---------------------------------------------------------------- KMS (JSON 1.1)

    static final AwsTable KMS_KEYS = AwsTable.builder("aws_kms_keys")
            .required("arn", STRING)
            .required("key_id", STRING)
            .column("description", STRING)
            .column("enabled", BOOLEAN)
            .column("key_state", STRING)
            .column("key_usage", STRING)
            .column("key_spec", STRING)
            .column("key_manager", STRING)
            .column("origin", STRING)
            .column("multi_region", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("deletion_date", TIMESTAMP)
            .column("rotation_enabled", BOOLEAN)
            .column("tags", JSON)
            .key("arn")
            .permissions("kms:ListKeys", "kms:DescribeKey", "kms:GetKeyRotationStatus", "kms:ListResourceTags")
            .scanner(ServiceTables::kmsKeys);

    private static void kmsKeys(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.json(api, AwsService.KMS, "ListKeys", AwsApi.body().put("Limit", 1000), "NextMarker", "Marker",
                page -> {
                    for (JsonNode key : page.path("Keys")) {
                        String id = Values.text(key, "KeyId");
                        JsonNode m;
                        try {
                            m = api.json(AwsService.KMS, "DescribeKey", AwsApi.body().put("KeyId", id))
                                    .path("KeyMetadata");
                        } catch (AwsApiException e) {
                            if ("NotFoundException".equals(e.errorCode())) {
                                continue;
                            }
                            throw e;
                        }
                        boolean customer = "CUSTOMER".equals(Values.text(m, "KeyManager"));
                        Boolean rotation = null;
                        String state = Values.text(m, "KeyState");
                        // Rotation applies to symmetric keys only: for others (and keys pending deletion or
                        // import) KMS answers UnsupportedOperation / KMSInvalidState: the column is then NULL.
                        if ("SYMMETRIC_DEFAULT".equals(Values.text(m, "KeySpec")) && "Enabled".equals(state)) {
                            try {
                                rotation = Values.bool(api.json(AwsService.KMS, "GetKeyRotationStatus",
                                        AwsApi.body().put("KeyId", id)), "KeyRotationEnabled");
                            } catch (AwsApiException e) {
                                if (!"UnsupportedOperationException".equals(e.errorCode())
                                        && !"KMSInvalidStateException".equals(e.errorCode())) {
                                    throw e;
                                }
                            }
                        }
                        ArrayNode tags = JsonNodeFactory.instance.arrayNode();
                        if (customer) { // AWS managed keys have no tags
                            Pages.json(api, AwsService.KMS, "ListResourceTags", AwsApi.body().put("KeyId", id),
                                    "NextMarker", "Marker", tagPage -> tagPage.path("Tags").forEach(tags::add));
                        }
                        rows.set("arn", Values.text(m, "Arn"))
                                .set("key_id", id)
                                .set("description", Values.text(m, "Description"))
                                .set("enabled", Values.bool(m, "Enabled"))
                                .set("key_state", state)
                                .set("key_usage", Values.text(m, "KeyUsage"))
                                .set("key_spec", Values.text(m, "KeySpec"))
                                .set("key_manager", Values.text(m, "KeyManager"))
                                .set("origin", Values.text(m, "Origin"))
                                .set("multi_region", Values.bool(m, "MultiRegion"))
                                .set("created_at", Values.epochSeconds(m.get("CreationDate")))
                                .set("deletion_date", Values.epochSeconds(m.get("DeletionDate")))
                                .set("rotation_enabled", rotation)
                                .set("tags", Values.tags(tags))
                                .emit();
                    }
                });
    }

    // ---------------------------------------------------------------- SNS (query)

    static final AwsTable SNS_TOPICS = AwsTable.builder("aws_sns_topics")
            .required("arn", STRING)
            .required("name", STRING)
            .column("display_name", STRING)
            .column("owner", STRING)
            .column("fifo", BOOLEAN)
            .column("kms_master_key_id", STRING)
            .column("subscriptions_confirmed", LONG)
            .column("subscriptions_pending", LONG)
            .column("subscriptions_deleted", LONG)
            .column("policy", JSON)
            .column("delivery_policy", JSON)
            .column("attributes", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("sns:ListTopics", "sns:GetTopicAttributes", "sns:ListTagsForResource")
            .scanner(ServiceTables::snsTopics);

    private static void snsTopics(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.query(api, AwsService.SNS, "ListTopics", Map.of(), "ListTopicsResult", "NextToken", "NextToken",
                page -> {
                    for (Element topic : Xml.list(page, "Topics")) {
                        String arn = Xml.text(topic, "TopicArn");
                        Map<String, String> attributes = new HashMap<>();
                        Element tags;
                        try {
                            Element result = Xml.child(api.query(AwsService.SNS, "GetTopicAttributes",
                                    Map.of("TopicArn", arn)), "GetTopicAttributesResult");
                            for (Element entry : Xml.list(result, "Attributes")) {
                                attributes.put(Xml.text(entry, "key"), Xml.text(entry, "value"));
                            }
                            tags = Xml.child(api.query(AwsService.SNS, "ListTagsForResource",
                                    Map.of("ResourceArn", arn)), "ListTagsForResourceResult");
                        } catch (AwsApiException e) {
                            if ("NotFound".equals(e.errorCode()) || "ResourceNotFound".equals(e.errorCode())) {
                                continue; // deleted since ListTopics
                            }
                            throw e;
                        }
                        ObjectNode all = JsonNodeFactory.instance.objectNode();
                        new TreeMap<>(attributes).forEach(all::put);
                        rows.set("arn", arn)
                                .set("name", arn.substring(arn.lastIndexOf(':') + 1))
                                .set("display_name", attributes.get("DisplayName"))
                                .set("owner", attributes.get("Owner"))
                                .set("fifo", attributes.containsKey("FifoTopic")
                                        ? Boolean.valueOf(attributes.get("FifoTopic")) : Boolean.FALSE)
                                .set("kms_master_key_id", attributes.get("KmsMasterKeyId"))
                                .set("subscriptions_confirmed", number(attributes.get("SubscriptionsConfirmed")))
                                .set("subscriptions_pending", number(attributes.get("SubscriptionsPending")))
                                .set("subscriptions_deleted", number(attributes.get("SubscriptionsDeleted")))
                                .set("policy", Values.policy(attributes.get("Policy"), false))
                                .set("delivery_policy", Values.policy(attributes.get("DeliveryPolicy"), false))
                                .set("attributes", all.toString())
                                .set("tags", Xml.tags(tags, "Tags").toString())
                                .emit();
                    }
                });
    }

    private static Long number(String value) {
        return value == null || value.isEmpty() ? null : Long.valueOf(value);
    }

    // ---------------------------------------------------------------- RDS (query)

    static final AwsTable RDS_INSTANCES = AwsTable.builder("aws_rds_instances")
            .required("arn", STRING)
            .required("db_instance_identifier", STRING)
            .column("resource_id", STRING)
            .column("instance_class", STRING)
            .column("engine", STRING)
            .column("engine_version", STRING)
            .column("status", STRING)
            .column("master_username", STRING)
            .column("endpoint_address", STRING)
            .column("endpoint_port", LONG)
            .column("allocated_storage_gib", LONG)
            .column("storage_type", STRING)
            .column("storage_encrypted", BOOLEAN)
            .column("kms_key_id", STRING)
            .column("multi_az", BOOLEAN)
            .column("publicly_accessible", BOOLEAN)
            .column("availability_zone", STRING)
            .column("vpc_id", STRING)
            .column("backup_retention_days", LONG)
            .column("deletion_protection", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("vpc_security_groups", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("rds:DescribeDBInstances")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.RDS, "DescribeDBInstances",
                    Map.of("MaxRecords", "100"), "DescribeDBInstancesResult", "Marker", "Marker", page -> {
                        for (Element db : Xml.list(page, "DBInstances")) {
                            ArrayNode groups = JsonNodeFactory.instance.arrayNode();
                            for (Element g : Xml.list(db, "VpcSecurityGroups")) {
                                groups.addObject().put("id", Xml.text(g, "VpcSecurityGroupId"))
                                        .put("status", Xml.text(g, "Status"));
                            }
                            rows.set("arn", Xml.text(db, "DBInstanceArn"))
                                    .set("db_instance_identifier", Xml.text(db, "DBInstanceIdentifier"))
                                    .set("resource_id", Xml.text(db, "DbiResourceId"))
                                    .set("instance_class", Xml.text(db, "DBInstanceClass"))
                                    .set("engine", Xml.text(db, "Engine"))
                                    .set("engine_version", Xml.text(db, "EngineVersion"))
                                    .set("status", Xml.text(db, "DBInstanceStatus"))
                                    .set("master_username", Xml.text(db, "MasterUsername"))
                                    .set("endpoint_address", Xml.text(db, "Endpoint", "Address"))
                                    .set("endpoint_port", Xml.longValue(db, "Endpoint", "Port"))
                                    .set("allocated_storage_gib", Xml.longValue(db, "AllocatedStorage"))
                                    .set("storage_type", Xml.text(db, "StorageType"))
                                    .set("storage_encrypted", Xml.bool(db, "StorageEncrypted"))
                                    .set("kms_key_id", Xml.text(db, "KmsKeyId"))
                                    .set("multi_az", Xml.bool(db, "MultiAZ"))
                                    .set("publicly_accessible", Xml.bool(db, "PubliclyAccessible"))
                                    .set("availability_zone", Xml.text(db, "AvailabilityZone"))
                                    .set("vpc_id", Xml.text(db, "DBSubnetGroup", "VpcId"))
                                    .set("backup_retention_days", Xml.longValue(db, "BackupRetentionPeriod"))
                                    .set("deletion_protection", Xml.bool(db, "DeletionProtection"))
                                    .set("created_at", Xml.instant(db, "InstanceCreateTime"))
                                    .set("vpc_security_groups", groups.toString())
                                    .set("tags", Xml.tags(db, "TagList").toString())
                                    .emit();
                        }
                    }));

    // ---------------------------------------------------------------- CloudTrail (JSON 1.1)

    static final AwsTable CLOUDTRAIL_TRAILS = AwsTable.builder("aws_cloudtrail_trails")
            .required("arn", STRING)
            .required("name", STRING)
            .column("home_region", STRING)
            .column("s3_bucket_name", STRING)
            .column("s3_key_prefix", STRING)
            .column("sns_topic_arn", STRING)
            .column("include_global_service_events", BOOLEAN)
            .column("is_multi_region", BOOLEAN)
            .column("is_organization_trail", BOOLEAN)
            .column("log_file_validation_enabled", BOOLEAN)
            .column("cloudwatch_logs_log_group_arn", STRING)
            .column("kms_key_id", STRING)
            .column("is_logging", BOOLEAN)
            .column("latest_delivery_at", TIMESTAMP)
            .column("tags", JSON)
            .key("arn")
            .permissions("cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:ListTags")
            .scanner(ServiceTables::cloudtrailTrails);

    private static void cloudtrailTrails(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        // Trails whose home is this region; a multi-region trail is listed once, in its home region's slice.
        JsonNode trails = api.json(AwsService.CLOUDTRAIL, "DescribeTrails",
                AwsApi.body().put("includeShadowTrails", false)).path("trailList");
        for (JsonNode t : trails) {
            String arn = Values.text(t, "TrailARN");
            JsonNode status = api.json(AwsService.CLOUDTRAIL, "GetTrailStatus", AwsApi.body().put("Name", arn));
            ObjectNode listTags = AwsApi.body();
            listTags.putArray("ResourceIdList").add(arn);
            ArrayNode tags = JsonNodeFactory.instance.arrayNode();
            Pages.json(api, AwsService.CLOUDTRAIL, "ListTags", listTags, "NextToken", page -> {
                for (JsonNode resource : page.path("ResourceTagList")) {
                    resource.path("TagsList").forEach(tags::add);
                }
            });
            rows.set("arn", arn)
                    .set("name", Values.text(t, "Name"))
                    .set("home_region", Values.text(t, "HomeRegion"))
                    .set("s3_bucket_name", Values.text(t, "S3BucketName"))
                    .set("s3_key_prefix", Values.text(t, "S3KeyPrefix"))
                    .set("sns_topic_arn", Values.text(t, "SnsTopicARN"))
                    .set("include_global_service_events", Values.bool(t, "IncludeGlobalServiceEvents"))
                    .set("is_multi_region", Values.bool(t, "IsMultiRegionTrail"))
                    .set("is_organization_trail", Values.bool(t, "IsOrganizationTrail"))
                    .set("log_file_validation_enabled", Values.bool(t, "LogFileValidationEnabled"))
                    .set("cloudwatch_logs_log_group_arn", Values.text(t, "CloudWatchLogsLogGroupArn"))
                    .set("kms_key_id", Values.text(t, "KmsKeyId"))
                    .set("is_logging", Values.bool(status, "IsLogging"))
                    .set("latest_delivery_at", Values.epochSeconds(status.get("LatestDeliveryTime")))
                    .set("tags", Values.tags(tags))
                    .emit();
        }
    }

    // ---------------------------------------------------------------- ECS (JSON 1.1)

    static final AwsTable ECS_CLUSTERS = AwsTable.builder("aws_ecs_clusters")
            .required("arn", STRING)
            .required("cluster_name", STRING)
            .column("status", STRING)
            .column("registered_container_instances", LONG)
            .column("running_tasks", LONG)
            .column("pending_tasks", LONG)
            .column("active_services", LONG)
            .column("capacity_providers", JSON)
            .column("default_capacity_provider_strategy", JSON)
            .column("settings", JSON)
            .column("configuration", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("ecs:ListClusters", "ecs:DescribeClusters")
            .scanner(ServiceTables::ecsClusters);

    /** DescribeClusters takes at most 100 clusters a call. */
    private static final int ECS_BATCH = 100;

    private static void ecsClusters(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.json(api, AwsService.ECS, "ListClusters", AwsApi.body().put("maxResults", 100), "nextToken", page -> {
            List<String> arns = new ArrayList<>();
            page.path("clusterArns").forEach(a -> arns.add(a.asText()));
            for (int from = 0; from < arns.size(); from += ECS_BATCH) {
                ObjectNode request = AwsApi.body();
                arns.subList(from, Math.min(arns.size(), from + ECS_BATCH)).forEach(request.putArray("clusters")::add);
                request.putArray("include").add("TAGS").add("SETTINGS").add("CONFIGURATIONS");
                JsonNode answer = api.json(AwsService.ECS, "DescribeClusters", request);
                for (JsonNode c : answer.path("clusters")) {
                    rows.set("arn", Values.text(c, "clusterArn"))
                            .set("cluster_name", Values.text(c, "clusterName"))
                            .set("status", Values.text(c, "status"))
                            .set("registered_container_instances",
                                    Values.longValue(c, "registeredContainerInstancesCount"))
                            .set("running_tasks", Values.longValue(c, "runningTasksCount"))
                            .set("pending_tasks", Values.longValue(c, "pendingTasksCount"))
                            .set("active_services", Values.longValue(c, "activeServicesCount"))
                            .set("capacity_providers", Values.json(c, "capacityProviders"))
                            .set("default_capacity_provider_strategy",
                                    Values.json(c, "defaultCapacityProviderStrategy"))
                            .set("settings", Values.json(c, "settings"))
                            .set("configuration", Values.json(c, "configuration"))
                            .set("tags", Values.tags(c.get("tags")))
                            .emit();
                }
            }
        });
    }
}

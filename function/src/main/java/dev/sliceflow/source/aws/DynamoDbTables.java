package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** DynamoDB tables (JSON 1.0): ListTables, then each table's description, backups setting and tags. */
final class DynamoDbTables {
    private DynamoDbTables() {
    }

    static final AwsTable TABLES = AwsTable.builder("aws_dynamodb_tables")
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
            .column("replicas", JSON)
            .column("point_in_time_recovery", BOOLEAN)
            .column("tags", JSON)
            .key("arn")
            .permissions("dynamodb:ListTables", "dynamodb:DescribeTable", "dynamodb:DescribeContinuousBackups",
                    "dynamodb:ListTagsOfResource")
            .scanner(DynamoDbTables::dynamodbTables);

    private static void dynamodbTables(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        Pages.json(api, AwsService.DYNAMODB, "ListTables", AwsApi.body().put("Limit", 100), "LastEvaluatedTableName",
                "ExclusiveStartTableName", page -> {
                    rows.each(page.path("TableNames"), name -> {
                        JsonNode t;
                        try {
                            t = api.json(AwsService.DYNAMODB, "DescribeTable",
                                    AwsApi.body().put("TableName", name.asText())).path("Table");
                        } catch (AwsApiException e) {
                            if ("ResourceNotFoundException".equals(e.errorCode())) {
                                return; // deleted since ListTables
                            }
                            throw e;
                        }
                        String arn = Values.text(t, "TableArn");
                        JsonNode backups = api.json(AwsService.DYNAMODB, "DescribeContinuousBackups",
                                AwsApi.body().put("TableName", name.asText())).path("ContinuousBackupsDescription");
                        String pitr = backups.path("PointInTimeRecoveryDescription")
                                .path("PointInTimeRecoveryStatus").asText(null);
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
                                .set("replicas", Values.json(t, "Replicas"))
                                .set("point_in_time_recovery", pitr == null ? null : "ENABLED".equals(pitr))
                                .set("tags", Values.tags(tags))
                                .emit();
                    });
                });
    }
}

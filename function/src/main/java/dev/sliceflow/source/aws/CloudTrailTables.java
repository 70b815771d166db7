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

/** CloudTrail trails (JSON 1.1). */
final class CloudTrailTables {
    private CloudTrailTables() {
    }

    static final AwsTable TRAILS = AwsTable.builder("aws_cloudtrail_trails")
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
            .scanner(CloudTrailTables::cloudtrailTrails);

    private static void cloudtrailTrails(AwsSlice slice, AwsTable.Rows rows) throws Exception {
        AwsApi api = slice.api();
        // Trails whose home is this region; a multi-region trail is listed once, in its home region's slice.
        JsonNode trails = api.json(AwsService.CLOUDTRAIL, "DescribeTrails",
                AwsApi.body().put("includeShadowTrails", false)).path("trailList");
        rows.each(trails, t -> {
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
        });
    }
}

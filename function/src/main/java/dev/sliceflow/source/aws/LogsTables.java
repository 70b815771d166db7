package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.DOUBLE;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.w3c.dom.Element;

/** CloudWatch Logs log groups (JSON 1.1): retention and encryption, which CIS and most packs check. */
final class LogsTables {
    private LogsTables() {
    }

    static final AwsTable LOG_GROUPS = AwsTable.builder("aws_logs_log_groups")
            .required("arn", STRING)
            .required("log_group_name", STRING)
            .column("created_at", TIMESTAMP)
            .column("retention_in_days", LONG)
            .column("stored_bytes", LONG)
            .column("kms_key_id", STRING)
            .column("log_group_class", STRING)
            .column("metric_filter_count", LONG)
            .key("arn")
            .permissions("logs:DescribeLogGroups")
            .scanner((slice, rows) -> Pages.json(slice.api(), AwsService.LOGS, "DescribeLogGroups",
                    AwsApi.body().put("limit", 50), "nextToken", page -> rows.each(page.path("logGroups"), g -> {
                        // "arn" ends with ":*" (a pattern for IAM); logGroupArn is the group's own
                        String arn = Values.text(g, "logGroupArn") != null ? Values.text(g, "logGroupArn")
                                : stripStar(Values.text(g, "arn"));
                        rows.set("arn", arn)
                                .set("log_group_name", Values.text(g, "logGroupName"))
                                .set("created_at", Values.epochMillis(g.get("creationTime")))
                                .set("retention_in_days", Values.longValue(g, "retentionInDays"))
                                .set("stored_bytes", Values.longValue(g, "storedBytes"))
                                .set("kms_key_id", Values.text(g, "kmsKeyId"))
                                .set("log_group_class", Values.text(g, "logGroupClass"))
                                .set("metric_filter_count", Values.longValue(g, "metricFilterCount"))
                                .emit();
                    })));

    private static String stripStar(String arn) {
        return arn != null && arn.endsWith(":*") ? arn.substring(0, arn.length() - 2) : arn;
    }
}

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

/** CloudWatch metric alarms (query protocol): CIS section 4 checks that alarms exist for its metric filters. */
final class CloudWatchTables {
    private CloudWatchTables() {
    }

    static final AwsTable ALARMS = AwsTable.builder("aws_cloudwatch_alarms")
            .required("arn", STRING)
            .required("alarm_name", STRING)
            .column("description", STRING)
            .column("state_value", STRING)
            .column("state_updated_at", TIMESTAMP)
            .column("metric_name", STRING)
            .column("namespace", STRING)
            .column("statistic", STRING)
            .column("comparison_operator", STRING)
            .column("threshold", DOUBLE)
            .column("period_seconds", LONG)
            .column("evaluation_periods", LONG)
            .column("actions_enabled", BOOLEAN)
            .column("alarm_actions", JSON)
            .column("dimensions", JSON)
            .key("arn")
            .permissions("cloudwatch:DescribeAlarms")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.CLOUDWATCH, "DescribeAlarms",
                    Map.of("MaxRecords", "100"), "DescribeAlarmsResult", "NextToken", "NextToken",
                    page -> rows.each(Xml.list(page, "MetricAlarms"), a -> rows
                            .set("arn", Xml.text(a, "AlarmArn"))
                            .set("alarm_name", Xml.text(a, "AlarmName"))
                            .set("description", Xml.text(a, "AlarmDescription"))
                            .set("state_value", Xml.text(a, "StateValue"))
                            .set("state_updated_at", Xml.instant(a, "StateUpdatedTimestamp"))
                            .set("metric_name", Xml.text(a, "MetricName"))
                            .set("namespace", Xml.text(a, "Namespace"))
                            .set("statistic", Xml.text(a, "Statistic"))
                            .set("comparison_operator", Xml.text(a, "ComparisonOperator"))
                            .set("threshold", Xml.text(a, "Threshold") == null ? null
                                    : Double.valueOf(Xml.text(a, "Threshold")))
                            .set("period_seconds", Xml.longValue(a, "Period"))
                            .set("evaluation_periods", Xml.longValue(a, "EvaluationPeriods"))
                            .set("actions_enabled", Xml.bool(a, "ActionsEnabled"))
                            .set("alarm_actions", Xml.array(a, "AlarmActions").toString())
                            .set("dimensions", Xml.array(a, "Dimensions").toString())
                            .emit())));
}

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

/**
 * SSM Parameter Store parameters (JSON 1.1): metadata only, from DescribeParameters. Values are never read: the
 * policy has no ssm:GetParameter*.
 */
final class SsmTables {
    private SsmTables() {
    }

    static final AwsTable PARAMETERS = AwsTable.builder("aws_ssm_parameters")
            .required("arn", STRING)
            .required("name", STRING)
            .column("type", STRING)
            .column("key_id", STRING)
            .column("tier", STRING)
            .column("data_type", STRING)
            .column("version", LONG)
            .column("description", STRING)
            .column("last_modified_at", TIMESTAMP)
            .column("last_modified_user", STRING)
            .column("policies", JSON)
            .key("arn")
            .permissions("ssm:DescribeParameters")
            .scanner((slice, rows) -> Pages.json(slice.api(), AwsService.SSM, "DescribeParameters",
                    AwsApi.body().put("MaxResults", 50), "NextToken",
                    page -> rows.each(page.path("Parameters"), p -> {
                        String name = Values.text(p, "Name");
                        // ARN is in newer answers; else the documented form (a leading "/" is not doubled)
                        String arn = Values.text(p, "ARN") != null ? Values.text(p, "ARN")
                                : name == null ? null : "arn:" + AwsService.Partition.of(slice.region()).arn()
                                        + ":ssm:" + slice.region() + ":" + slice.account() + ":parameter"
                                        + (name.startsWith("/") ? name : "/" + name);
                        rows.set("arn", arn)
                                .set("name", name)
                                .set("type", Values.text(p, "Type"))
                                .set("key_id", Values.text(p, "KeyId"))
                                .set("tier", Values.text(p, "Tier"))
                                .set("data_type", Values.text(p, "DataType"))
                                .set("version", Values.longValue(p, "Version"))
                                .set("description", Values.text(p, "Description"))
                                .set("last_modified_at", Values.epochSeconds(p.get("LastModifiedDate")))
                                .set("last_modified_user", Values.text(p, "LastModifiedUser"))
                                .set("policies", Values.json(p, "Policies"))
                                .emit();
                    })));
}

package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.w3c.dom.Element;

/** The Security Hub hub of the region (REST-JSON): one row when enabled, none when not. */
final class SecurityHubTables {
    private SecurityHubTables() {
    }

    static final AwsTable HUB = AwsTable.builder("aws_securityhub_hub")
            .required("arn", STRING)
            .column("subscribed_at", TIMESTAMP)
            .column("auto_enable_controls", BOOLEAN)
            .column("control_finding_generator", STRING)
            .key("arn")
            .permissions("securityhub:DescribeHub")
            .scanner((slice, rows) -> {
                JsonNode hub;
                try {
                    hub = slice.api().restGet(AwsService.SECURITY_HUB, "DescribeHub", "/accounts", Map.of());
                } catch (AwsApiException e) {
                    // Security Hub not enabled in the region: documented as InvalidAccessException
                    if ("InvalidAccessException".equals(e.errorCode())
                            || "ResourceNotFoundException".equals(e.errorCode())) {
                        return;
                    }
                    throw e;
                }
                rows.one(hub, h -> rows.set("arn", Values.text(h, "HubArn"))
                        .set("subscribed_at", Values.instant(Values.text(h, "SubscribedAt")))
                        .set("auto_enable_controls", Values.bool(h, "AutoEnableControls"))
                        .set("control_finding_generator", Values.text(h, "ControlFindingGenerator"))
                        .emit());
            });
}

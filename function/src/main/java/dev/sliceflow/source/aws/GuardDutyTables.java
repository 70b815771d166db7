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

/** GuardDuty detectors (REST-JSON): whether threat detection is on in the region, and what it covers. */
final class GuardDutyTables {
    private GuardDutyTables() {
    }

    static final AwsTable DETECTORS = AwsTable.builder("aws_guardduty_detectors")
            .required("arn", STRING)
            .required("detector_id", STRING)
            .column("status", STRING)
            .column("finding_publishing_frequency", STRING)
            .column("service_role", STRING)
            .column("created_at", TIMESTAMP)
            .column("updated_at", TIMESTAMP)
            .column("data_sources", JSON)
            .column("features", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("guardduty:ListDetectors", "guardduty:GetDetector")
            .scanner((slice, rows) -> Pages.restGet(slice.api(), AwsService.GUARDDUTY, "ListDetectors", "/detector",
                    Map.of("maxResults", "50"), "nextToken", "nextToken",
                    page -> rows.each(page.path("detectorIds"), id -> {
                        JsonNode d = slice.api().restGet(AwsService.GUARDDUTY, "GetDetector",
                                "/detector/" + id.asText(), Map.of());
                        rows.set("arn", "arn:" + AwsService.Partition.of(slice.region()).arn() + ":guardduty:"
                                        + slice.region() + ":" + slice.account() + ":detector/" + id.asText())
                                .set("detector_id", id.asText())
                                .set("status", Values.text(d, "status"))
                                .set("finding_publishing_frequency", Values.text(d, "findingPublishingFrequency"))
                                .set("service_role", Values.text(d, "serviceRole"))
                                .set("created_at", Values.instant(Values.text(d, "createdAt")))
                                .set("updated_at", Values.instant(Values.text(d, "updatedAt")))
                                .set("data_sources", Values.json(d, "dataSources"))
                                .set("features", Values.json(d, "features"))
                                .set("tags", d.path("tags").isObject() ? d.path("tags").toString() : "{}")
                                .emit();
                    })));
}

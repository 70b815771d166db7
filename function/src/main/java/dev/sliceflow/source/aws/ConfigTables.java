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

/** AWS Config configuration recorders (JSON 1.1), with whether each is recording (CIS: Config is enabled). */
final class ConfigTables {
    private ConfigTables() {
    }

    static final AwsTable RECORDERS = AwsTable.builder("aws_config_recorders")
            .required("arn", STRING)
            .required("name", STRING)
            .column("role_arn", STRING)
            .column("all_supported", BOOLEAN)
            .column("include_global_resource_types", BOOLEAN)
            .column("recording_group", JSON)
            .column("recording", BOOLEAN)
            .column("last_status", STRING)
            .column("last_status_changed_at", TIMESTAMP)
            .key("arn")
            .permissions("config:DescribeConfigurationRecorders", "config:DescribeConfigurationRecorderStatus")
            .scanner((slice, rows) -> {
                AwsApi api = slice.api();
                JsonNode recorders = api.json(AwsService.CONFIG, "DescribeConfigurationRecorders", AwsApi.body())
                        .path("ConfigurationRecorders");
                Map<String, JsonNode> status = new java.util.HashMap<>();
                api.json(AwsService.CONFIG, "DescribeConfigurationRecorderStatus", AwsApi.body())
                        .path("ConfigurationRecordersStatus").forEach(s -> status.put(Values.text(s, "name"), s));
                rows.each(recorders, r -> {
                    String name = Values.text(r, "name");
                    JsonNode s = status.getOrDefault(name, AwsApi.body());
                    String arn = Values.text(r, "arn") != null ? Values.text(r, "arn")
                            : "arn:" + AwsService.Partition.of(slice.region()).arn() + ":config:" + slice.region()
                                    + ":" + slice.account() + ":config-recorder/" + name;
                    rows.set("arn", arn)
                            .set("name", name)
                            .set("role_arn", Values.text(r, "roleARN"))
                            .set("all_supported", Values.bool(r.path("recordingGroup"), "allSupported"))
                            .set("include_global_resource_types",
                                    Values.bool(r.path("recordingGroup"), "includeGlobalResourceTypes"))
                            .set("recording_group", Values.json(r, "recordingGroup"))
                            .set("recording", Values.bool(s, "recording"))
                            .set("last_status", Values.text(s, "lastStatus"))
                            .set("last_status_changed_at", Values.epochSeconds(s.get("lastStatusChangeTime")))
                            .emit();
                });
            });
}

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

/** EFS file systems (REST-JSON): encryption at rest, performance and throughput modes. */
final class EfsTables {
    private EfsTables() {
    }

    static final AwsTable FILE_SYSTEMS = AwsTable.builder("aws_efs_file_systems")
            .required("arn", STRING)
            .required("file_system_id", STRING)
            .column("name", STRING)
            .column("life_cycle_state", STRING)
            .column("performance_mode", STRING)
            .column("throughput_mode", STRING)
            .column("encrypted", BOOLEAN)
            .column("kms_key_id", STRING)
            .column("size_bytes", LONG)
            .column("mount_targets", LONG)
            .column("created_at", TIMESTAMP)
            .column("tags", JSON)
            .key("arn")
            .permissions("elasticfilesystem:DescribeFileSystems")
            .scanner((slice, rows) -> Pages.restGet(slice.api(), AwsService.EFS, "DescribeFileSystems",
                    "/2015-02-01/file-systems", Map.of("MaxItems", "100"), "NextMarker", "Marker",
                    page -> rows.each(page.path("FileSystems"), f -> rows
                            .set("arn", Values.text(f, "FileSystemArn"))
                            .set("file_system_id", Values.text(f, "FileSystemId"))
                            .set("name", Values.text(f, "Name"))
                            .set("life_cycle_state", Values.text(f, "LifeCycleState"))
                            .set("performance_mode", Values.text(f, "PerformanceMode"))
                            .set("throughput_mode", Values.text(f, "ThroughputMode"))
                            .set("encrypted", Values.bool(f, "Encrypted"))
                            .set("kms_key_id", Values.text(f, "KmsKeyId"))
                            .set("size_bytes", Values.longValue(f.path("SizeInBytes"), "Value"))
                            .set("mount_targets", Values.longValue(f, "NumberOfMountTargets"))
                            .set("created_at", Values.epochSeconds(f.get("CreationTime")))
                            .set("tags", Values.tags(f.get("Tags")))
                            .emit())));
}

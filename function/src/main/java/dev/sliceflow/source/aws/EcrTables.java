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

/** ECR repositories (JSON 1.1): scan on push, tag mutability and encryption. */
final class EcrTables {
    private EcrTables() {
    }

    static final AwsTable REPOSITORIES = AwsTable.builder("aws_ecr_repositories")
            .required("arn", STRING)
            .required("repository_name", STRING)
            .column("registry_id", STRING)
            .column("repository_uri", STRING)
            .column("created_at", TIMESTAMP)
            .column("image_tag_mutability", STRING)
            .column("scan_on_push", BOOLEAN)
            .column("encryption_type", STRING)
            .column("kms_key", STRING)
            .key("arn")
            .permissions("ecr:DescribeRepositories")
            .scanner((slice, rows) -> Pages.json(slice.api(), AwsService.ECR, "DescribeRepositories",
                    AwsApi.body().put("maxResults", 1000), "nextToken",
                    page -> rows.each(page.path("repositories"), r -> rows
                            .set("arn", Values.text(r, "repositoryArn"))
                            .set("repository_name", Values.text(r, "repositoryName"))
                            .set("registry_id", Values.text(r, "registryId"))
                            .set("repository_uri", Values.text(r, "repositoryUri"))
                            .set("created_at", Values.epochSeconds(r.get("createdAt")))
                            .set("image_tag_mutability", Values.text(r, "imageTagMutability"))
                            .set("scan_on_push", Values.bool(r.path("imageScanningConfiguration"), "scanOnPush"))
                            .set("encryption_type", Values.text(r.path("encryptionConfiguration"), "encryptionType"))
                            .set("kms_key", Values.text(r.path("encryptionConfiguration"), "kmsKey"))
                            .emit())));
}

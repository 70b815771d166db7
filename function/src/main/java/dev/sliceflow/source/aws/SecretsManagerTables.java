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
 * Secrets Manager secrets (JSON 1.1): metadata only, from ListSecrets. Values are never read: the policy has no
 * secretsmanager:GetSecretValue.
 */
final class SecretsManagerTables {
    private SecretsManagerTables() {
    }

    static final AwsTable SECRETS = AwsTable.builder("aws_secretsmanager_secrets")
            .required("arn", STRING)
            .required("name", STRING)
            .column("description", STRING)
            .column("kms_key_id", STRING)
            .column("rotation_enabled", BOOLEAN)
            .column("rotation_lambda_arn", STRING)
            .column("rotation_rules", JSON)
            .column("created_at", TIMESTAMP)
            .column("last_changed_at", TIMESTAMP)
            .column("last_rotated_at", TIMESTAMP)
            .column("last_accessed_at", TIMESTAMP)
            .column("deleted_at", TIMESTAMP)
            .column("primary_region", STRING)
            .column("tags", JSON)
            .key("arn")
            .permissions("secretsmanager:ListSecrets")
            .scanner((slice, rows) -> Pages.json(slice.api(), AwsService.SECRETS_MANAGER, "ListSecrets",
                    AwsApi.body().put("MaxResults", 100), "NextToken",
                    page -> rows.each(page.path("SecretList"), s -> rows
                            .set("arn", Values.text(s, "ARN"))
                            .set("name", Values.text(s, "Name"))
                            .set("description", Values.text(s, "Description"))
                            .set("kms_key_id", Values.text(s, "KmsKeyId"))
                            .set("rotation_enabled", Values.bool(s, "RotationEnabled"))
                            .set("rotation_lambda_arn", Values.text(s, "RotationLambdaARN"))
                            .set("rotation_rules", Values.json(s, "RotationRules"))
                            .set("created_at", Values.epochSeconds(s.get("CreatedDate")))
                            .set("last_changed_at", Values.epochSeconds(s.get("LastChangedDate")))
                            .set("last_rotated_at", Values.epochSeconds(s.get("LastRotatedDate")))
                            .set("last_accessed_at", Values.epochSeconds(s.get("LastAccessedDate")))
                            .set("deleted_at", Values.epochSeconds(s.get("DeletedDate")))
                            .set("primary_region", Values.text(s, "PrimaryRegion"))
                            .set("tags", Values.tags(s.get("Tags")))
                            .emit())));
}

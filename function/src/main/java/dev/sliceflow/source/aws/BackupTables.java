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

/** AWS Backup vaults (REST-JSON): encryption key, recovery points, vault lock. */
final class BackupTables {
    private BackupTables() {
    }

    static final AwsTable VAULTS = AwsTable.builder("aws_backup_vaults")
            .required("arn", STRING)
            .required("name", STRING)
            .column("encryption_key_arn", STRING)
            .column("recovery_points", LONG)
            .column("locked", BOOLEAN)
            .column("min_retention_days", LONG)
            .column("max_retention_days", LONG)
            .column("created_at", TIMESTAMP)
            .key("arn")
            .permissions("backup:ListBackupVaults")
            .scanner((slice, rows) -> Pages.restGet(slice.api(), AwsService.BACKUP, "ListBackupVaults",
                    "/backup-vaults/", Map.of("maxResults", "1000"), "NextToken", "nextToken",
                    page -> rows.each(page.path("BackupVaultList"), v -> rows
                            .set("arn", Values.text(v, "BackupVaultArn"))
                            .set("name", Values.text(v, "BackupVaultName"))
                            .set("encryption_key_arn", Values.text(v, "EncryptionKeyArn"))
                            .set("recovery_points", Values.longValue(v, "NumberOfRecoveryPoints"))
                            .set("locked", Values.bool(v, "Locked"))
                            .set("min_retention_days", Values.longValue(v, "MinRetentionDays"))
                            .set("max_retention_days", Values.longValue(v, "MaxRetentionDays"))
                            .set("created_at", Values.epochSeconds(v.get("CreationDate")))
                            .emit())));
}

package dev.sliceflow.source.aws;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import org.w3c.dom.Element;

/** RDS instances and clusters (query protocol). */
final class RdsTables {
    private RdsTables() {
    }

    static final AwsTable INSTANCES = AwsTable.builder("aws_rds_instances")
            .required("arn", STRING)
            .required("db_instance_identifier", STRING)
            .column("resource_id", STRING)
            .column("instance_class", STRING)
            .column("engine", STRING)
            .column("engine_version", STRING)
            .column("status", STRING)
            .column("master_username", STRING)
            .column("endpoint_address", STRING)
            .column("endpoint_port", LONG)
            .column("allocated_storage_gib", LONG)
            .column("storage_type", STRING)
            .column("storage_encrypted", BOOLEAN)
            .column("kms_key_id", STRING)
            .column("multi_az", BOOLEAN)
            .column("publicly_accessible", BOOLEAN)
            .column("availability_zone", STRING)
            .column("vpc_id", STRING)
            .column("backup_retention_days", LONG)
            .column("deletion_protection", BOOLEAN)
            .column("created_at", TIMESTAMP)
            .column("db_cluster_identifier", STRING)
            .column("iam_database_authentication_enabled", BOOLEAN)
            .column("ca_certificate_identifier", STRING)
            .column("auto_minor_version_upgrade", BOOLEAN)
            .column("enabled_cloudwatch_logs_exports", JSON)
            .column("vpc_security_groups", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("rds:DescribeDBInstances")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.RDS, "DescribeDBInstances",
                    Map.of("MaxRecords", "100"), "DescribeDBInstancesResult", "Marker", "Marker", page -> {
                        rows.each(Xml.list(page, "DBInstances"), db -> {
                            ArrayNode groups = JsonNodeFactory.instance.arrayNode();
                            for (Element g : Xml.list(db, "VpcSecurityGroups")) {
                                groups.addObject().put("id", Xml.text(g, "VpcSecurityGroupId"))
                                        .put("status", Xml.text(g, "Status"));
                            }
                            rows.set("arn", Xml.text(db, "DBInstanceArn"))
                                    .set("db_instance_identifier", Xml.text(db, "DBInstanceIdentifier"))
                                    .set("resource_id", Xml.text(db, "DbiResourceId"))
                                    .set("instance_class", Xml.text(db, "DBInstanceClass"))
                                    .set("engine", Xml.text(db, "Engine"))
                                    .set("engine_version", Xml.text(db, "EngineVersion"))
                                    .set("status", Xml.text(db, "DBInstanceStatus"))
                                    .set("master_username", Xml.text(db, "MasterUsername"))
                                    .set("endpoint_address", Xml.text(db, "Endpoint", "Address"))
                                    .set("endpoint_port", Xml.longValue(db, "Endpoint", "Port"))
                                    .set("allocated_storage_gib", Xml.longValue(db, "AllocatedStorage"))
                                    .set("storage_type", Xml.text(db, "StorageType"))
                                    .set("storage_encrypted", Xml.bool(db, "StorageEncrypted"))
                                    .set("kms_key_id", Xml.text(db, "KmsKeyId"))
                                    .set("multi_az", Xml.bool(db, "MultiAZ"))
                                    .set("publicly_accessible", Xml.bool(db, "PubliclyAccessible"))
                                    .set("availability_zone", Xml.text(db, "AvailabilityZone"))
                                    .set("vpc_id", Xml.text(db, "DBSubnetGroup", "VpcId"))
                                    .set("backup_retention_days", Xml.longValue(db, "BackupRetentionPeriod"))
                                    .set("deletion_protection", Xml.bool(db, "DeletionProtection"))
                                    .set("created_at", Xml.instant(db, "InstanceCreateTime"))
                                    .set("db_cluster_identifier", Xml.text(db, "DBClusterIdentifier"))
                                    .set("iam_database_authentication_enabled",
                                            Xml.bool(db, "IAMDatabaseAuthenticationEnabled"))
                                    .set("ca_certificate_identifier", Xml.text(db, "CACertificateIdentifier"))
                                    .set("auto_minor_version_upgrade", Xml.bool(db, "AutoMinorVersionUpgrade"))
                                    .set("enabled_cloudwatch_logs_exports",
                                            Xml.array(db, "EnabledCloudwatchLogsExports").toString())
                                    .set("vpc_security_groups", groups.toString())
                                    .set("tags", Xml.tags(db, "TagList").toString())
                                    .emit();
                        });
                    }));

    static final AwsTable CLUSTERS = AwsTable.builder("aws_rds_clusters")
            .required("arn", STRING)
            .required("db_cluster_identifier", STRING)
            .column("resource_id", STRING)
            .column("engine", STRING)
            .column("engine_version", STRING)
            .column("status", STRING)
            .column("endpoint", STRING)
            .column("reader_endpoint", STRING)
            .column("port", LONG)
            .column("master_username", STRING)
            .column("storage_encrypted", BOOLEAN)
            .column("kms_key_id", STRING)
            .column("multi_az", BOOLEAN)
            .column("iam_database_authentication_enabled", BOOLEAN)
            .column("deletion_protection", BOOLEAN)
            .column("backup_retention_days", LONG)
            .column("created_at", TIMESTAMP)
            .column("members", JSON)
            .column("enabled_cloudwatch_logs_exports", JSON)
            .column("tags", JSON)
            .key("arn")
            .permissions("rds:DescribeDBClusters")
            .scanner((slice, rows) -> Pages.query(slice.api(), AwsService.RDS, "DescribeDBClusters",
                    Map.of("MaxRecords", "100"), "DescribeDBClustersResult", "Marker", "Marker",
                    page -> rows.each(Xml.list(page, "DBClusters"), c -> {
                        ArrayNode members = JsonNodeFactory.instance.arrayNode();
                        for (Element m : Xml.list(c, "DBClusterMembers")) {
                            members.addObject().put("instance", Xml.text(m, "DBInstanceIdentifier"))
                                    .put("writer", "true".equals(Xml.text(m, "IsClusterWriter")));
                        }
                        rows.set("arn", Xml.text(c, "DBClusterArn"))
                                .set("db_cluster_identifier", Xml.text(c, "DBClusterIdentifier"))
                                .set("resource_id", Xml.text(c, "DbClusterResourceId"))
                                .set("engine", Xml.text(c, "Engine"))
                                .set("engine_version", Xml.text(c, "EngineVersion"))
                                .set("status", Xml.text(c, "Status"))
                                .set("endpoint", Xml.text(c, "Endpoint"))
                                .set("reader_endpoint", Xml.text(c, "ReaderEndpoint"))
                                .set("port", Xml.longValue(c, "Port"))
                                .set("master_username", Xml.text(c, "MasterUsername"))
                                .set("storage_encrypted", Xml.bool(c, "StorageEncrypted"))
                                .set("kms_key_id", Xml.text(c, "KmsKeyId"))
                                .set("multi_az", Xml.bool(c, "MultiAZ"))
                                .set("iam_database_authentication_enabled",
                                        Xml.bool(c, "IAMDatabaseAuthenticationEnabled"))
                                .set("deletion_protection", Xml.bool(c, "DeletionProtection"))
                                .set("backup_retention_days", Xml.longValue(c, "BackupRetentionPeriod"))
                                .set("created_at", Xml.instant(c, "ClusterCreateTime"))
                                .set("members", members.toString())
                                .set("enabled_cloudwatch_logs_exports",
                                        Xml.array(c, "EnabledCloudwatchLogsExports").toString())
                                .set("tags", Xml.tags(c, "TagList").toString())
                                .emit();
                    })));
}

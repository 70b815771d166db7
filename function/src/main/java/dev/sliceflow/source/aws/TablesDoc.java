package dev.sliceflow.source.aws;

import dev.sliceflow.schema.Column;
import java.util.List;

/** Renders docs/tables.md from the table definitions, so the document cannot drift from the code. */
final class TablesDoc {
    private TablesDoc() {
    }

    static String render(List<AwsTable> tables) {
        StringBuilder out = new StringBuilder();
        out.append("# Tables of the aws source\n\n")
                .append("<!-- Generated from the code by AwsTablesDocTest; do not edit. To rewrite it after changing a "
                        + "table: ./mvnw -pl function verify -Dtest=AwsTablesDocTest -Dsliceflow.updateDocs=true -->\n\n")
                .append("Every table starts with `account_id` and `region`: the slice's account and region. Types are "
                        + "sliceflow's column types (`ColumnType`: TIMESTAMP is UTC with microseconds); JSON columns hold one compact JSON document. "
                        + "A **global** table is synced once per account, in its global-region slice, and is empty in "
                        + "every other region (docs/aws-source.md).\n\n")
                .append("| table | scope | primary key | columns | IAM actions |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        for (AwsTable table : tables) {
            out.append("| [").append(table.name()).append("](#").append(table.name()).append(") | ")
                    .append(scope(table)).append(" | ").append(String.join(", ", table.schema().primaryKey()))
                    .append(" | ").append(table.schema().width()).append(" | ")
                    .append(String.join(", ", table.permissions())).append(" |\n");
        }
        comparison(out, tables);
        out.append("\n## IAM policy of the member-account role\n\n")
                .append("Every action the tables above call, read-only (attach it to the role the worker assumes):\n\n")
                .append("```json\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\n")
                .append("    \"Effect\": \"Allow\",\n    \"Action\": [\n");
        List<String> actions = tables.stream().flatMap(t -> t.permissions().stream()).distinct().sorted().toList();
        for (int i = 0; i < actions.size(); i++) {
            out.append("      \"").append(actions.get(i)).append('"').append(i + 1 < actions.size() ? "," : "")
                    .append('\n');
        }
        out.append("    ],\n    \"Resource\": \"*\"\n  }]\n}\n```\n");
        for (AwsTable table : tables) {
            out.append("\n## ").append(table.name()).append("\n\n")
                    .append("Scope: ").append(scope(table)).append(". Primary key: `")
                    .append(String.join("`, `", table.schema().primaryKey())).append("`. IAM actions: ")
                    .append(String.join(", ", table.permissions().stream().map(p -> "`" + p + "`").toList()))
                    .append(".\n\n| column | type | nullable |\n| --- | --- | --- |\n");
            for (Column column : table.schema().columns()) {
                out.append("| ").append(column.name()).append(" | ").append(column.type()).append(" | ")
                        .append(column.nullable() ? "yes" : "no").append(" |\n");
            }
        }
        return out.toString();
    }

    /**
     * Columns next to Steampipe's AWS plugin and CloudQuery's AWS source for the same resources, counted once from
     * their repositories (a snapshot: they change), so a reader sees where a table is thinner than theirs.
     */
    private record Peer(String table, String steampipe, int steampipeColumns, String cloudquery, int cloudqueryColumns) {
    }

    private static final List<Peer> PEERS = List.of(
            new Peer("aws_ec2_instances", "aws_ec2_instance", 80, "aws_ec2_instances", 60),
            new Peer("aws_s3_buckets", "aws_s3_bucket", 29, "aws_s3_buckets", 18),
            new Peer("aws_iam_users", "aws_iam_user", 22, "aws_iam_users", 9),
            new Peer("aws_iam_roles", "aws_iam_role", 25, "aws_iam_roles", 0),
            new Peer("aws_lambda_functions", "aws_lambda_function", 45, "aws_lambda_functions", 13),
            new Peer("aws_rds_instances", "aws_rds_db_instance", 77, "aws_rds_instances", 81),
            new Peer("aws_dynamodb_tables", "aws_dynamodb_table", 33, "aws_dynamodb_tables", 25),
            new Peer("aws_kms_keys", "aws_kms_key", 26, "aws_kms_keys", 0),
            new Peer("aws_ec2_volumes", "aws_ebs_volume", 25, "aws_ec2_ebs_volumes", 0),
            new Peer("aws_ec2_security_group_rules", "aws_vpc_security_group_rule", 23, "", 0),
            new Peer("aws_cloudtrail_trails", "aws_cloudtrail_trail", 36, "aws_cloudtrail_trails", 0),
            new Peer("aws_eks_clusters", "aws_eks_cluster", 25, "aws_eks_clusters", 0));

    private static void comparison(StringBuilder out, List<AwsTable> tables) {
        out.append("\n## Next to Steampipe and CloudQuery\n\n")
                .append(tables.size()).append(" tables here; Steampipe's AWS plugin has 586 table definitions "
                        + "(turbot/steampipe-plugin-aws, counted 2026-12-01), CloudQuery's AWS source had 706. "
                        + "Columns for the same resources, counted from their repositories on 2026-12-01 (Steampipe: "
                        + "the columns of the table's definition plus its common partition, region and account_id; "
                        + "CloudQuery: its documented columns without the `_cq_` ones; \"-\" where not counted). All "
                        + "three keep the rest of the resource in nested JSON columns, and CloudQuery splits some of it "
                        + "into child tables (its Lambda table holds the configuration as one JSON column).\n\n")
                .append("| resource | sliceflow | Steampipe | CloudQuery |\n| --- | --- | --- | --- |\n");
        for (Peer peer : PEERS) {
            AwsTable table = tables.stream().filter(t -> t.name().equals(peer.table())).findFirst().orElseThrow(
                    () -> new IllegalStateException("comparison names a table that does not exist: " + peer.table()));
            out.append("| `").append(peer.table()).append("` | ").append(table.schema().width()).append(" | `")
                    .append(peer.steampipe()).append("` ").append(peer.steampipeColumns()).append(" | ")
                    .append(peer.cloudqueryColumns() == 0 ? "-" : "`" + peer.cloudquery() + "` "
                            + peer.cloudqueryColumns()).append(" |\n");
        }
    }

    private static String scope(AwsTable table) {
        return table.scope() == AwsTable.Scope.GLOBAL ? "global" : "regional";
    }
}

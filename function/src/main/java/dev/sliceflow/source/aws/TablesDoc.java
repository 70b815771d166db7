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

    private static String scope(AwsTable table) {
        return table.scope() == AwsTable.Scope.GLOBAL ? "global" : "regional";
    }
}

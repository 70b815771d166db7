package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/tables.md is rendered from the code; this keeps the committed file equal to it. */
class AwsTablesDocTest {
    private static final Path DOC = Path.of("..", "docs", "tables.md");

    @Test
    void tablesDoc_whenRendered_equalsTheCommittedFile() throws Exception {
        String rendered = TablesDoc.render(AwsTables.ALL);
        if (Boolean.getBoolean("sliceflow.updateDocs")) {
            Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(DOC)).as("docs/tables.md exists (rewrite: -Dsliceflow.updateDocs=true)").isTrue();
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
                .as("docs/tables.md is stale: rerun AwsTablesDocTest with -Dsliceflow.updateDocs=true")
                .isEqualTo(rendered);
    }

    @Test
    void tables_whenDefined_haveUniqueNamesAnArnKeyAndPermissions() {
        Set<String> names = new HashSet<>();
        for (AwsTable table : AwsTables.ALL) {
            assertThat(names.add(table.name())).as(table.name()).isTrue();
            assertThat(table.name()).startsWith("aws_");
            assertThat(table.schema().primaryKey()).as(table.name()).containsExactly("arn");
            assertThat(table.schema().column(0).name()).isEqualTo("account_id");
            assertThat(table.schema().column(1).name()).isEqualTo("region");
            assertThat(table.permissions()).as(table.name()).isNotEmpty();
        }
        assertThat(AwsTables.ALL).hasSizeGreaterThanOrEqualTo(15);
    }
}

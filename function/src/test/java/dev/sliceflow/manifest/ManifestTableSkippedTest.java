package dev.sliceflow.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.core.Json;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optional skippedRows / skipReasons of a manifest table: absent when none, and old manifests still read. */
class ManifestTableSkippedTest {
    private static final TableSchema SCHEMA = new TableSchema("t", List.of(Column.required("id", ColumnType.STRING)),
            List.of("id"));

    @Test
    void json_whenNoRowWasSkipped_hasNeitherField() throws Exception {
        String json = Json.mapper().writeValueAsString(ManifestTable.ok(SCHEMA, List.of()));
        assertThat(json).doesNotContain("skippedRows").doesNotContain("skipReasons");
    }

    @Test
    void json_whenAnOldTableEntryHasNoSkipFields_readsZeroAndNoReasons() throws Exception {
        String old = "{\"schema\":{\"name\":\"t\",\"columns\":[{\"name\":\"id\",\"type\":\"STRING\","
                + "\"nullable\":false}],\"primaryKey\":[\"id\"]},\"status\":\"ok\",\"rows\":0,\"parts\":[]}";
        ManifestTable table = Json.mapper().readValue(old, ManifestTable.class);
        assertThat(table.skippedRows()).isZero();
        assertThat(table.skipReasons()).isEmpty();
    }

    @Test
    void json_whenRowsWereSkipped_roundTripsTheCountAndTheFirstReasons() throws Exception {
        List<String> reasons = List.of("r1", "r2", "r3", "r4", "r5", "r6", "r7");
        ManifestTable table = ManifestTable.ok(SCHEMA, List.of()).withSkipped(7, reasons);
        String json = Json.mapper().writeValueAsString(table);
        ManifestTable read = Json.mapper().readValue(json, ManifestTable.class);
        assertThat(read.skippedRows()).isEqualTo(7);
        assertThat(read.skipReasons()).containsExactly("r1", "r2", "r3", "r4", "r5");
    }
}

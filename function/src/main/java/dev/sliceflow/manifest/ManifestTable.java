package dev.sliceflow.manifest;

import dev.sliceflow.schema.TableSchema;
import java.util.List;

/**
 * One table of a slice in a manifest.
 *
 * @param schema the table's columns (CSV order), types, nullability and primary key
 * @param status ok or failed
 * @param rows   total rows over the parts (0 when failed)
 * @param parts  the parts, in order (empty when failed, or when the table has no rows)
 * @param error  why the table failed (null when ok)
 */
public record ManifestTable(TableSchema schema, TableStatus status, long rows, List<ManifestPart> parts, String error) {
    public ManifestTable {
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    public static ManifestTable ok(TableSchema schema, List<ManifestPart> parts) {
        return new ManifestTable(schema, TableStatus.OK, parts.stream().mapToLong(ManifestPart::rows).sum(), parts, null);
    }

    public static ManifestTable failed(TableSchema schema, String error) {
        return new ManifestTable(schema, TableStatus.FAILED, 0, List.of(), error);
    }

    public String name() {
        return schema.name();
    }
}

package dev.sliceflow.manifest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.sliceflow.schema.TableSchema;
import java.util.List;

/**
 * One table of a slice in a manifest.
 *
 * @param schema      the table's columns (CSV order), types, nullability and primary key
 * @param status      ok or failed
 * @param rows        total rows over the parts (0 when failed)
 * @param parts       the parts, in order (empty when failed, or when the table has no rows)
 * @param error       why the table failed (null when ok)
 * @param skippedRows rows the source could not map and left out, each counted (0, and absent from the JSON, when
 *                    none; absent in manifests written before it existed)
 * @param skipReasons the first few of those rows' reasons ({@value #MAX_SKIP_REASONS} at most; empty when none)
 */
public record ManifestTable(TableSchema schema, TableStatus status, long rows, List<ManifestPart> parts, String error,
                            @JsonInclude(JsonInclude.Include.NON_DEFAULT) Long skippedRows,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> skipReasons) {
    public static final int MAX_SKIP_REASONS = 5;

    public ManifestTable {
        parts = parts == null ? List.of() : List.copyOf(parts);
        skippedRows = skippedRows == null ? 0L : skippedRows;
        skipReasons = skipReasons == null ? List.of() : List.copyOf(skipReasons);
    }

    public ManifestTable(TableSchema schema, TableStatus status, long rows, List<ManifestPart> parts, String error) {
        this(schema, status, rows, parts, error, 0L, List.of());
    }

    public static ManifestTable ok(TableSchema schema, List<ManifestPart> parts) {
        return new ManifestTable(schema, TableStatus.OK, parts.stream().mapToLong(ManifestPart::rows).sum(), parts, null);
    }

    public static ManifestTable failed(TableSchema schema, String error) {
        return new ManifestTable(schema, TableStatus.FAILED, 0, List.of(), error);
    }

    /** This table with {@code count} rows skipped by the source, keeping the first reasons. */
    public ManifestTable withSkipped(long count, List<String> reasons) {
        return new ManifestTable(schema, status, rows, parts, error, count,
                reasons.subList(0, Math.min(reasons.size(), MAX_SKIP_REASONS)));
    }

    public String name() {
        return schema.name();
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * sliceflow's column types as Iceberg types (docs/lake.md). JSON and STRING are both Iceberg {@code string}; the
 * sliceflow type is kept in the field's doc ({@code sliceflow:JSON}) so that a change between the two is still a type
 * change, and readers see which strings hold JSON documents.
 */
public final class LakeSchema {
    /** The metadata columns every loaded table ends with, as the SQL warehouses name them. */
    public static final List<String> METADATA_COLUMNS = ManifestCodec.RESERVED_COLUMNS;
    private static final String DOC_PREFIX = "sliceflow:";

    private LakeSchema() {
    }

    public static Type icebergType(ColumnType type) {
        return switch (type) {
            case STRING, JSON -> Types.StringType.get();
            case LONG -> Types.LongType.get();
            case DOUBLE -> Types.DoubleType.get();
            case DECIMAL -> Types.DecimalType.of(Column.DECIMAL_PRECISION, Column.DECIMAL_SCALE);
            case BOOLEAN -> Types.BooleanType.get();
            case TIMESTAMP -> Types.TimestampType.withZone();
            case DATE -> Types.DateType.get();
        };
    }

    public static String doc(ColumnType type) {
        return DOC_PREFIX + type.name();
    }

    /** The sliceflow type a field holds: from its doc, else from its Iceberg type (a column added by someone else). */
    public static ColumnType columnType(Types.NestedField field) {
        if (field.doc() != null && field.doc().startsWith(DOC_PREFIX)) {
            try {
                return ColumnType.valueOf(field.doc().substring(DOC_PREFIX.length()));
            } catch (IllegalArgumentException unknown) {
                // fall back to the Iceberg type
            }
        }
        for (ColumnType type : ColumnType.values()) {
            if (type != ColumnType.JSON && icebergType(type).equals(field.type())) {
                return type;
            }
        }
        return null;
    }

    /** A new table's schema: the columns in manifest order, then the metadata columns; every field optional. */
    public static Schema newTable(List<Column> columns) {
        List<Types.NestedField> fields = new ArrayList<>();
        int id = 1;
        for (Column column : columns) {
            fields.add(Types.NestedField.optional(id++, column.name(), icebergType(column.type()), doc(column.type())));
        }
        for (String meta : METADATA_COLUMNS) {
            ColumnType type = meta.equals("_sync_time") ? ColumnType.TIMESTAMP : ColumnType.STRING;
            fields.add(Types.NestedField.optional(id++, meta, icebergType(type), doc(type)));
        }
        return new Schema(fields);
    }

    /** Fails unless {@code schema} has every metadata column: a table sliceflow did not create is not loaded into. */
    public static void checkMetadataColumns(String table, Schema schema) {
        for (String meta : METADATA_COLUMNS) {
            if (schema.findField(meta) == null) {
                throw new InvalidInputException("table " + table + " exists but has no column " + meta
                        + ": it was not created by sliceflow");
            }
        }
    }

    public static InvalidInputException incompatible(String table, Column column, Types.NestedField have) {
        ColumnType old = columnType(have);
        return new InvalidInputException("incompatible schema change: table " + table + " column " + column.name()
                + " is " + have.type() + (old == null ? "" : " (" + old + ")") + " in the lake but "
                + icebergType(column.type()) + " (" + column.type() + ") in the manifest; nothing was loaded. Change"
                + " the column's type in the table (or rename the column in the source), then redrive the manifest");
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.lake.RowChunk.Fill;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.DoubleFieldMetrics;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Writes one row of a {@link RowChunk} straight to Parquet's column writers, in place of Iceberg's generic record
 * writer: the table is flat and every field optional (LakeSchema), so a value is one {@code write(value, 0, 1)} and
 * a NULL one {@code writeNull(0, 0)}. Iceberg's own Parquet file writer around it still sizes row groups and turns
 * the footer into the data file's metrics; doubles report their NaN counts and bounds here, as Iceberg's writers do.
 */
final class ChunkValueWriter implements ParquetValueWriter<ChunkValueWriter.Cursor> {
    /** The row to write next: a chunk and an index into it. */
    static final class Cursor {
        RowChunk chunk;
        int row;
    }

    private final ColumnDescriptor[] columns;
    private final PrimitiveTypeName[] physical;
    private final int[] fieldIds;
    private final DoubleFieldMetrics.Builder[] doubleMetrics;
    private ColumnWriter[] writers;

    ChunkValueWriter(MessageType type) {
        List<ColumnDescriptor> descriptors = type.getColumns();
        if (descriptors.size() != type.getFieldCount()) {
            throw new IllegalStateException("a lake table has only top-level primitive columns: " + type);
        }
        int width = descriptors.size();
        columns = descriptors.toArray(new ColumnDescriptor[0]);
        physical = new PrimitiveTypeName[width];
        fieldIds = new int[width];
        doubleMetrics = new DoubleFieldMetrics.Builder[width];
        for (int i = 0; i < width; i++) {
            physical[i] = columns[i].getPrimitiveType().getPrimitiveTypeName();
            fieldIds[i] = columns[i].getPrimitiveType().getId().intValue();
            if (columns[i].getMaxDefinitionLevel() != 1 || columns[i].getMaxRepetitionLevel() != 0) {
                throw new IllegalStateException("column " + columns[i] + " is not an optional top-level field");
            }
            if (physical[i] == PrimitiveTypeName.DOUBLE) {
                doubleMetrics[i] = new DoubleFieldMetrics.Builder(fieldIds[i]);
            }
        }
    }

    @Override
    public void write(int repetitionLevel, Cursor cursor) {
        RowChunk chunk = cursor.chunk;
        int row = cursor.row;
        for (int c = 0; c < writers.length; c++) {
            ColumnWriter w = writers[c];
            Fill fill = chunk.fill[c];
            if (fill == Fill.ABSENT) {
                w.writeNull(0, 0);
            } else if (fill == Fill.CONSTANT) {
                Object value = chunk.constants[c];
                if (value == null) {
                    w.writeNull(0, 0);
                } else if (value instanceof Binary binary) {
                    w.write(binary, 0, 1);
                } else {
                    w.write(((Long) value).longValue(), 0, 1);
                }
            } else if (chunk.nulls[c][row]) {
                w.writeNull(0, 0);
            } else {
                switch (physical[c]) {
                    case INT64 -> w.write(chunk.longs[c][row], 0, 1);
                    case INT32 -> w.write((int) chunk.longs[c][row], 0, 1);
                    case BOOLEAN -> w.write(chunk.longs[c][row] != 0, 0, 1);
                    case DOUBLE -> {
                        double v = chunk.doubles[c][row];
                        doubleMetrics[c].addValue(v);
                        w.write(v, 0, 1);
                    }
                    case BINARY, FIXED_LEN_BYTE_ARRAY -> w.write(chunk.binary(c, row), 0, 1);
                    default -> throw new IllegalStateException("no sliceflow type is stored as " + physical[c]);
                }
            }
        }
    }

    @Override
    public List<TripleWriter<?>> columns() {
        // only Iceberg's own value writers are asked for these (to write nested values); the file writer is not
        return List.of();
    }

    @Override
    public void setColumnStore(ColumnWriteStore store) {
        ColumnWriter[] next = new ColumnWriter[columns.length];
        for (int i = 0; i < columns.length; i++) {
            next[i] = store.getColumnWriter(columns[i]);
        }
        writers = next;
    }

    @Override
    public Stream<FieldMetrics<?>> metrics() {
        List<FieldMetrics<?>> metrics = new ArrayList<>();
        for (DoubleFieldMetrics.Builder builder : doubleMetrics) {
            if (builder != null) {
                metrics.add(builder.build());
            }
        }
        return metrics.stream();
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.csv.CsvFields;
import dev.sliceflow.csv.CsvValues;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.PartRows;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.parquet.io.api.Binary;

/**
 * One part's rows into {@link RowChunk}s: its records as fields ({@link PartRows}: verified, decompressed, split on
 * bytes; sliceflow's one CSV dialect, an unquoted empty field is NULL, {@code ""} the empty string), each field
 * converted to its column's Parquet primitive ({@link CsvValues}). A value the column type refuses, a string that is
 * not UTF-8 or a record of the wrong width fails the part's manifest alone, naming the part, row and column.
 */
final class PartRecords {
    /** Where converted rows go: the chunk being filled, and a fresh one (same layout) when it is full. */
    interface Chunks {
        RowChunk current();

        /** Hands the full current chunk on; returns the next one to fill. */
        RowChunk next() throws ManifestFailure;
    }

    private PartRecords() {
    }

    /**
     * The layout of a manifest's rows in chunks of a table with {@code schema} (the table's current schema): its
     * columns as VALUES, the metadata columns as CONSTANT with the manifest's values, every other column ABSENT.
     */
    static Layout layout(Manifest m, List<Column> columns, Schema schema) {
        int width = schema.columns().size();
        RowChunk.Fill[] fill = new RowChunk.Fill[width];
        Arrays.fill(fill, RowChunk.Fill.ABSENT);
        Object[] constants = new Object[width];
        int[] positions = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            positions[i] = index(schema, columns.get(i).name());
            fill[positions[i]] = RowChunk.Fill.VALUES;
        }
        constant(schema, fill, constants, "_sync_id", m.syncId());
        int time = index(schema, "_sync_time");
        fill[time] = RowChunk.Fill.CONSTANT;
        constants[time] = ChronoUnit.MICROS.between(Instant.EPOCH, m.syncTime());
        constant(schema, fill, constants, "_source", m.source());
        constant(schema, fill, constants, "_account", m.account());
        constant(schema, fill, constants, "_region", m.region());
        ColumnType[] types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
        return new Layout(fill, constants, positions, types);
    }

    /** How a manifest's CSV fields land in a chunk: {@code positions[field]} is the schema column of each field. */
    record Layout(RowChunk.Fill[] fill, Object[] constants, int[] positions, ColumnType[] types) {
    }

    private static void constant(Schema schema, RowChunk.Fill[] fill, Object[] constants, String column, String value) {
        int at = index(schema, column);
        fill[at] = RowChunk.Fill.CONSTANT;
        constants[at] = value == null ? null : Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
    }

    private static int index(Schema schema, String column) {
        return schema.columns().indexOf(schema.findField(column));
    }

    /** Appends every row of {@code part} to {@code chunks}; returns how many rows it had. */
    static long read(StagedPart part, List<Column> columns, PartOpener opener, Layout layout, Chunks chunks,
                     CsvFields reader) throws ManifestFailure {
        int width = columns.size();
        int[] positions = layout.positions();
        ColumnType[] types = layout.types();
        return PartRows.read(part, columns, opener, reader, (fields, rowNumber) -> {
            RowChunk chunk = chunks.current();
            if (chunk.full()) {
                chunk = chunks.next();
            }
            int row = chunk.rows;
            byte[] b = fields.bytes();
            for (int f = 0; f < width; f++) {
                int c = positions[f];
                boolean[] nulls = chunk.nulls(c);
                if (fields.isNull(f)) {
                    nulls[row] = true;
                    continue;
                }
                nulls[row] = false;
                int start = fields.start(f);
                int length = fields.length(f);
                // the arena grows on reserve: take the array after it
                int at = switch (types[f]) {
                    case STRING, JSON -> chunk.reserve(c, length);
                    case DECIMAL -> chunk.reserve(c, 16);
                    default -> -1;
                };
                try {
                    switch (types[f]) {
                        case STRING, JSON -> {
                            CsvValues.checkUtf8(b, start, length);
                            System.arraycopy(b, start, chunk.arena, at, length);
                        }
                        case LONG -> chunk.longs(c)[row] = CsvValues.parseLong(b, start, length);
                        case DOUBLE -> chunk.doubles(c)[row] = CsvValues.parseDouble(b, start, length);
                        case BOOLEAN -> chunk.longs(c)[row] = CsvValues.parseBoolean(b, start, length) ? 1 : 0;
                        case TIMESTAMP -> chunk.longs(c)[row] = CsvValues.timestampMicros(b, start, length);
                        case DATE -> chunk.longs(c)[row] = CsvValues.dateDays(b, start, length);
                        case DECIMAL -> CsvValues.decimal16(b, start, length, chunk.arena, at);
                    }
                } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException refused) {
                    throw new PartRows.Refused(f, refused);
                }
            }
            chunk.rows++;
        });
    }
}

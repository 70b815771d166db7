package dev.sliceflow.lake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;

/**
 * sliceflow's own Parquet writer, read back by two readers that share nothing with it: DuckDB and Iceberg's generic
 * reader (parquet-mr). Rows enough for several pages and row groups, NULLs in every column, NaN, the empty string,
 * quotes and non-ASCII, negative timestamps, dates and decimals, booleans not a multiple of eight, and metadata
 * constants that change (and repeat, and are NULL) from manifest to manifest.
 */
class FlatParquetFileTest {
    private static final int ROWS = 45_001;
    private static final int MANIFEST_ROWS = 10_240;
    private static final List<Column> COLUMNS = List.of(Column.of("id", ColumnType.LONG), Column.of("s", ColumnType.STRING),
            Column.of("d", ColumnType.DOUBLE), Column.of("b", ColumnType.BOOLEAN), Column.of("ts", ColumnType.TIMESTAMP),
            Column.of("day", ColumnType.DATE), Column.of("n", ColumnType.DECIMAL));
    private static final Schema SCHEMA = LakeSchema.newTable(COLUMNS);

    /** Row {@code i}'s values, in COLUMNS order, then the manifest's _account and _sync_id. */
    static List<Object> expected(int i) {
        int manifest = i / MANIFEST_ROWS;
        return Arrays.asList((long) i,
                i % 7 == 0 ? null : i % 11 == 0 ? "" : "s-" + i + (i % 13 == 0 ? " é \"q\"\n日本" : ""),
                i % 5 == 0 ? null : i % 17 == 0 ? Double.NaN : i * 0.25 - 100,
                i % 3 == 0 ? null : i % 2 == 0,
                i % 19 == 0 ? null : (i - 20_000L) * 1_000_001L,
                i % 23 == 0 ? null : (long) (i % 400 - 200),
                i % 29 == 0 ? null : BigDecimal.valueOf(i * 1_000L - 7_777_777L, 9),
                manifest == 2 ? null : "acct-" + manifest,
                "sync-" + manifest % 2);
    }

    @Test
    void writtenRows_readBackEqual_byDuckDbAndByIcebergsReader_acrossPagesAndRowGroups() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "flat-parquet");
        File file = dir.resolve("rows.parquet").toFile();
        FlatParquetFile parquet = new FlatParquetFile(org.apache.iceberg.Files.localOutput(file), SCHEMA, 256 * 1024,
                Set.of("s"));
        RowChunk chunk = new RowChunk(SCHEMA.columns().size());
        for (int start = 0; start < ROWS; ) {
            int manifest = start / MANIFEST_ROWS;
            int end = Math.min(Math.min(ROWS, (manifest + 1) * MANIFEST_ROWS), start + RowChunk.CAPACITY);
            fill(chunk, start, end);
            // written in two calls, as the batch writer does at its size checks
            int half = chunk.rows / 2;
            parquet.write(chunk, 0, half);
            parquet.write(chunk, half, chunk.rows - half);
            start = end;
        }
        parquet.close();
        assertThat(parquet.rows()).isEqualTo(ROWS);

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(DISTINCT row_group_id) FROM parquet_metadata('" + file
                    + "')")) {
                rs.next();
                assertThat(rs.getLong(1)).as("row groups").isGreaterThan(2);
            }
            try (ResultSet rs = st.executeQuery("SELECT id, s, d, b, epoch_us(ts), day - DATE '1970-01-01', n, _account,"
                    + " _sync_id, epoch_us(_sync_time), _source, _region FROM read_parquet('" + file
                    + "', file_row_number = true) ORDER BY file_row_number")) {
                int i = 0;
                while (rs.next()) {
                    List<Object> want = expected(i);
                    List<Object> got = Arrays.asList(rs.getObject(1), rs.getString(2), rs.getObject(3), rs.getObject(4),
                            rs.getObject(5), rs.getObject(6) == null ? null : ((Number) rs.getObject(6)).longValue(),
                            rs.getBigDecimal(7), rs.getString(8), rs.getString(9));
                    assertRow("DuckDB row " + i, want, got);
                    assertThat(rs.getLong(10)).isEqualTo(1_700_000_000_000_000L + i / MANIFEST_ROWS);
                    assertThat(rs.getString(11)).isEqualTo("synthetic");
                    assertThat(rs.getString(12)).isNull();
                    i++;
                }
                assertThat(i).isEqualTo(ROWS);
            }
        }

        try (CloseableIterable<Record> records = Parquet.read(org.apache.iceberg.Files.localInput(file)).project(SCHEMA)
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(SCHEMA, fileSchema)).build()) {
            int i = 0;
            for (Record r : records) {
                OffsetDateTime ts = (OffsetDateTime) r.getField("ts");
                LocalDate day = (LocalDate) r.getField("day");
                assertRow("Iceberg row " + i, expected(i), Arrays.asList(r.getField("id"), r.getField("s"),
                        r.getField("d"), r.getField("b"),
                        ts == null ? null : ChronoUnit.MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0,
                                ZoneOffset.UTC), ts),
                        day == null ? null : day.toEpochDay(), r.getField("n"), r.getField("_account"),
                        r.getField("_sync_id")));
                i++;
            }
            assertThat(i).isEqualTo(ROWS);
        }

        Metrics metrics = parquet.metrics(MetricsConfig.getDefault());
        int id = SCHEMA.findField("id").fieldId();
        int d = SCHEMA.findField("d").fieldId();
        assertThat(metrics.recordCount()).isEqualTo(ROWS);
        assertThat((Long) Conversions.fromByteBuffer(Types.LongType.get(), metrics.lowerBounds().get(id))).isZero();
        assertThat((Long) Conversions.fromByteBuffer(Types.LongType.get(), metrics.upperBounds().get(id)))
                .isEqualTo(ROWS - 1);
        long nans = java.util.stream.IntStream.range(0, ROWS).filter(i -> expected(i).get(2) instanceof Double v
                && v.isNaN()).count();
        long nullDoubles = java.util.stream.IntStream.range(0, ROWS).filter(i -> expected(i).get(2) == null).count();
        assertThat(metrics.nanValueCounts()).containsEntry(d, nans);
        assertThat(metrics.nullValueCounts()).containsEntry(d, nullDoubles);
        assertThat(metrics.lowerBounds()).as("no bounds for the source's strings")
                .doesNotContainKey(SCHEMA.findField("s").fieldId())
                .containsKey(SCHEMA.findField("_account").fieldId());
    }

    private static void assertRow(String where, List<Object> want, List<Object> got) {
        for (int c = 0; c < want.size(); c++) {
            Object w = want.get(c);
            Object g = got.get(c);
            if (w instanceof BigDecimal decimal) {
                assertThat((BigDecimal) g).as(where + " column " + c).isEqualByComparingTo(decimal);
            } else if (w instanceof Double dw) {
                assertThat(Double.compare(((Number) g).doubleValue(), dw)).as(where + " column " + c + ": " + g).isZero();
            } else if (w instanceof Long lw) {
                assertThat(g == null ? null : ((Number) g).longValue()).as(where + " column " + c).isEqualTo(lw);
            } else {
                assertThat(g == null ? null : g.toString()).as(where + " column " + c).isEqualTo(Objects.toString(w, null));
            }
        }
    }

    /** Rows [start, end) of one manifest into the chunk, as the part reader would. */
    private static void fill(RowChunk chunk, int start, int end) {
        int manifest = start / MANIFEST_ROWS;
        RowChunk.Fill[] fill = new RowChunk.Fill[SCHEMA.columns().size()];
        Object[] constants = new Object[fill.length];
        Arrays.fill(fill, RowChunk.Fill.VALUES);
        List<Object> first = expected(start);
        constant(fill, constants, "_account", first.get(7) == null ? null : binary((String) first.get(7)));
        constant(fill, constants, "_sync_id", binary((String) first.get(8)));
        constant(fill, constants, "_sync_time", 1_700_000_000_000_000L + manifest);
        constant(fill, constants, "_source", binary("synthetic"));
        constant(fill, constants, "_region", null);
        chunk.reset(fill, constants);
        for (int i = start; i < end; i++) {
            List<Object> row = expected(i);
            int r = chunk.rows;
            for (int c = 0; c < COLUMNS.size(); c++) {
                Object v = row.get(c);
                chunk.nulls(c)[r] = v == null;
                if (v == null) {
                    continue;
                }
                switch (COLUMNS.get(c).type()) {
                    case LONG, TIMESTAMP, DATE -> chunk.longs(c)[r] = (Long) v;
                    case DOUBLE -> chunk.doubles(c)[r] = (Double) v;
                    case BOOLEAN -> chunk.longs(c)[r] = (Boolean) v ? 1 : 0;
                    case STRING -> {
                        byte[] bytes = ((String) v).getBytes(StandardCharsets.UTF_8);
                        System.arraycopy(bytes, 0, chunk.arena, chunk.reserve(c, bytes.length), bytes.length);
                    }
                    case DECIMAL -> {
                        byte[] text = ((BigDecimal) v).toPlainString().getBytes(StandardCharsets.US_ASCII);
                        int at = chunk.reserve(c, 16);
                        dev.sliceflow.csv.CsvValues.decimal16(text, 0, text.length, chunk.arena, at);
                    }
                    default -> throw new IllegalStateException();
                }
            }
            chunk.rows++;
        }
    }

    private static void constant(RowChunk.Fill[] fill, Object[] constants, String column, Object value) {
        int at = SCHEMA.columns().indexOf(SCHEMA.findField(column));
        fill[at] = RowChunk.Fill.CONSTANT;
        constants[at] = value;
    }

    private static Binary binary(String text) {
        return Binary.fromConstantByteArray(text.getBytes(StandardCharsets.UTF_8));
    }
}

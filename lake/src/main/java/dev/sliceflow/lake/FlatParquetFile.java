package dev.sliceflow.lake;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import dev.sliceflow.lake.RowChunk.Fill;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.DoubleFieldMetrics;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.format.DataPageHeader;
import org.apache.parquet.format.DictionaryPageHeader;
import org.apache.parquet.format.PageHeader;
import org.apache.parquet.format.PageType;
import org.apache.parquet.format.Util;
import org.apache.parquet.format.converter.ParquetMetadataConverter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One Parquet file of a lake table, written from {@link RowChunk}s column by column. A lake table is flat, every
 * column an optional top-level primitive (LakeSchema), so the format needs little: per column chunk, V1 data pages of
 * PLAIN values after RLE definition levels, zstd; the metadata columns, constant per manifest, dictionary-encoded
 * (a dictionary of a batch's few values, indices as RLE runs: nearly free). parquet-mr's column writers did this
 * per value through dictionary hash maps, statistics and size bookkeeping, at 5-10 times DuckDB's time; here a
 * value costs a copy, and a constant nothing per row.
 *
 * <p>The footer is parquet-mr's own ({@link ParquetMetadataConverter}), the schema Iceberg's (field ids included),
 * and the file's Iceberg metrics come from that footer as for any Parquet file ({@link ParquetUtil#footerMetrics}).
 * Min/max statistics: every column except those in {@code noBounds}; doubles' bounds and NaN counts as Iceberg's
 * writers report them. Every reader of the lake reads these files: DuckDB's and Iceberg's own in the tests.
 */
final class FlatParquetFile implements AutoCloseable {
    static final String CREATED_BY = "sliceflow version 0.1.0 (build lake)";
    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final int PAGE_ROWS = 20_000;
    private static final int PAGE_BYTES = 1 << 20;
    private static final int ZSTD_LEVEL = 3;
    private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Schema schema;
    private final MessageType type;
    private final PositionOutputStream out;
    private final long rowGroupBytes;
    private final ColumnChunk[] columns;
    private final ZstdCompressCtx zstd = new ZstdCompressCtx().setLevel(ZSTD_LEVEL);
    private final Bytes compressed = new Bytes();
    private final List<BlockMetaData> blocks = new ArrayList<>();
    private long groupRows;
    private long rows;
    private ParquetMetadata footer;

    FlatParquetFile(OutputFile file, Schema schema, long rowGroupBytes, Set<String> noBounds) {
        this.schema = schema;
        this.type = ParquetSchemaUtil.convert(schema, "table");
        this.rowGroupBytes = rowGroupBytes;
        List<ColumnDescriptor> descriptors = type.getColumns();
        if (descriptors.size() != schema.columns().size()) {
            throw new IllegalStateException("a lake table has only top-level primitive columns: " + type);
        }
        columns = new ColumnChunk[descriptors.size()];
        for (int i = 0; i < columns.length; i++) {
            ColumnDescriptor d = descriptors.get(i);
            if (d.getMaxDefinitionLevel() != 1 || d.getMaxRepetitionLevel() != 0) {
                throw new IllegalStateException("column " + d + " is not an optional top-level field");
            }
            columns[i] = new ColumnChunk(d, !noBounds.contains(schema.columns().get(i).name()));
        }
        this.out = file.createOrOverwrite();
        try {
            out.write(MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.location(), e);
        }
    }

    /** Appends rows {@code [from, from + count)} of {@code chunk}. */
    void write(RowChunk chunk, int from, int count) {
        for (int c = 0; c < columns.length; c++) {
            columns[c].write(chunk, c, from, count);
        }
        groupRows += count;
        rows += count;
        if (bufferedBytes() >= rowGroupBytes) {
            flushRowGroup();
        }
    }

    long rows() {
        return rows;
    }

    /** Bytes written so far plus what the open row group holds (its pages before and after compression). */
    long length() {
        try {
            return out.getPos() + bufferedBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long bufferedBytes() {
        long bytes = 0;
        for (ColumnChunk c : columns) {
            bytes += c.pages.size + c.values.size;
        }
        return bytes;
    }

    /** Writes the last row group and the footer. */
    @Override
    public void close() {
        if (footer != null) {
            return;
        }
        try {
            flushRowGroup();
            Map<String, String> keyValues = Map.of("iceberg.schema", SchemaParser.toJson(schema));
            footer = new ParquetMetadata(new FileMetaData(type, keyValues, CREATED_BY), blocks);
            long start = out.getPos();
            Util.writeFileMetaData(new ParquetMetadataConverter().toParquetMetadata(1, footer), out);
            byte[] length = new byte[4];
            INT_LE.set(length, 0, (int) (out.getPos() - start));
            out.write(length);
            out.write(MAGIC);
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot finish a Parquet file", e);
        } finally {
            zstd.close();
        }
    }

    /** Closes the stream without a footer: the file is deleted by the caller. */
    void abandon() {
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // deleted anyway
        } finally {
            zstd.close();
        }
    }

    /** The file's Iceberg metrics, from its footer, once closed. */
    Metrics metrics(MetricsConfig config) {
        // as Iceberg's optional-value writer reports them: values and NULLs counted together, NaN and bounds apart
        Stream<FieldMetrics<?>> fieldMetrics = Arrays.stream(columns).filter(c -> c.doubles != null).map(c -> {
            DoubleFieldMetrics m = c.doubles.build();
            return new FieldMetrics<>(m.id(), m.valueCount() + c.doubleNulls, c.doubleNulls, m.nanValueCount(),
                    m.lowerBound(), m.upperBound());
        });
        return ParquetUtil.footerMetrics(footer, fieldMetrics, config);
    }

    List<Long> splitOffsets() {
        return ParquetUtil.getSplitOffsets(footer);
    }

    private void flushRowGroup() {
        if (groupRows == 0) {
            return;
        }
        try {
            BlockMetaData block = new BlockMetaData();
            long uncompressed = 0;
            for (ColumnChunk c : columns) {
                ColumnChunkMetaData meta = c.writeTo(out);
                block.addColumn(meta);
                uncompressed += meta.getTotalUncompressedSize();
            }
            block.setRowCount(groupRows);
            block.setTotalByteSize(uncompressed);
            blocks.add(block);
            groupRows = 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a row group", e);
        }
    }

    /** zstd of {@code body} into {@link #compressed}; returns its size. */
    private int compress(Bytes body) {
        int bound = (int) Zstd.compressBound(body.size);
        compressed.ensure(bound);
        int n = zstd.compressByteArray(compressed.data, 0, bound, body.data, 0, body.size);
        compressed.size = n;
        return n;
    }

    /** One column's pages in the open row group. */
    private final class ColumnChunk {
        final ColumnDescriptor descriptor;
        final PrimitiveType primitive;
        final PrimitiveTypeName kind;
        final boolean bounds;
        final DoubleFieldMetrics.Builder doubles;
        long doubleNulls;
        /** The open page: definition levels as RLE runs, and PLAIN values or dictionary index runs. */
        final Runs levels = new Runs();
        final Bytes values = new Bytes();
        final Runs indices = new Runs();
        int pageRows;
        boolean pageHasBounds;
        long pageMin;
        long pageMax;
        double pageMinDouble;
        double pageMaxDouble;
        int booleanBits;
        int booleanCount;
        /** Compressed pages with their headers, for the row group. */
        final Bytes pages = new Bytes();
        final Bytes body = new Bytes();
        long uncompressed;
        long valueCount;
        Statistics<?> stats;
        final Set<Encoding> encodings = EnumSet.noneOf(Encoding.class);
        /** The metadata columns: one dictionary per row group. */
        Boolean dictionary;
        final Map<Object, Integer> dictionaryIndex = new HashMap<>();
        final List<Object> dictionaryValues = new ArrayList<>();

        ColumnChunk(ColumnDescriptor descriptor, boolean bounds) {
            this.descriptor = descriptor;
            this.primitive = descriptor.getPrimitiveType();
            this.kind = primitive.getPrimitiveTypeName();
            this.bounds = bounds;
            this.doubles = kind == PrimitiveTypeName.DOUBLE ? new DoubleFieldMetrics.Builder(primitive.getId().intValue())
                    : null;
            this.stats = Statistics.createStats(primitive);
        }

        void write(RowChunk chunk, int c, int from, int count) {
            Fill fill = chunk.fill[c];
            if (fill == Fill.CONSTANT) {
                writeConstant(chunk.constants[c], count);
                return;
            }
            if (dictionary == Boolean.TRUE) {
                throw new IllegalStateException("column " + descriptor + " holds constants and values");
            }
            dictionary = Boolean.FALSE;
            for (int r = from; r < from + count; r++) {
                if (fill == Fill.ABSENT || chunk.nulls[c][r]) {
                    levels.add(0, 1);
                    if (doubles != null) {
                        doubleNulls++;
                    }
                    if (bounds) {
                        // a column without bounds gets no statistics at all, as parquet-mr writes it
                        stats.incrementNumNulls();
                    }
                } else {
                    levels.add(1, 1);
                    writeValue(chunk, c, r);
                }
                if (++pageRows >= PAGE_ROWS || values.size >= PAGE_BYTES) {
                    flushPage();
                }
            }
        }

        private void writeValue(RowChunk chunk, int c, int r) {
            switch (kind) {
                case INT64, INT32 -> {
                    long v = chunk.longs[c][r];
                    if (kind == PrimitiveTypeName.INT64) {
                        values.putLong(v);
                    } else {
                        values.putInt((int) v);
                    }
                    // bounds kept here and handed to the statistics once per page: a call per value was not free
                    if (!pageHasBounds || v < pageMin) {
                        pageMin = v;
                    }
                    if (!pageHasBounds || v > pageMax) {
                        pageMax = v;
                    }
                    pageHasBounds = true;
                }
                case DOUBLE -> {
                    double v = chunk.doubles[c][r];
                    values.putLong(Double.doubleToRawLongBits(v));
                    doubles.addValue(v);
                    if (!Double.isNaN(v)) {
                        if (!pageHasBounds || Double.compare(v, pageMinDouble) < 0) {
                            pageMinDouble = v;
                        }
                        if (!pageHasBounds || Double.compare(v, pageMaxDouble) > 0) {
                            pageMaxDouble = v;
                        }
                        pageHasBounds = true;
                    }
                }
                case BOOLEAN -> {
                    boolean v = chunk.longs[c][r] != 0;
                    if (v) {
                        booleanBits |= 1 << booleanCount;
                    }
                    if (++booleanCount == 8) {
                        values.put((byte) booleanBits);
                        booleanBits = 0;
                        booleanCount = 0;
                    }
                    if (bounds) {
                        stats.updateStats(v);
                    }
                }
                case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                    int start = chunk.starts[c][r];
                    int length = chunk.lengths[c][r];
                    if (kind == PrimitiveTypeName.BINARY) {
                        values.putInt(length);
                    }
                    values.put(chunk.arena, start, length);
                    if (bounds) {
                        stats.updateStats(Binary.fromReusedByteArray(chunk.arena, start, length));
                    }
                }
                default -> throw new IllegalStateException("no sliceflow type is stored as " + kind);
            }
        }

        private void writeConstant(Object value, int count) {
            if (dictionary == Boolean.FALSE) {
                throw new IllegalStateException("column " + descriptor + " holds values and constants");
            }
            dictionary = Boolean.TRUE;
            int index = -1;
            if (value == null) {
                if (bounds) {
                    stats.incrementNumNulls(count);
                }
            } else {
                Integer known = dictionaryIndex.get(value);
                if (known == null) {
                    known = dictionaryValues.size();
                    dictionaryIndex.put(value, known);
                    dictionaryValues.add(value);
                    if (bounds) {
                        if (value instanceof Binary b) {
                            stats.updateStats(b);
                        } else {
                            stats.updateStats(((Long) value).longValue());
                        }
                    }
                }
                index = known;
            }
            while (count > 0) {
                int n = Math.min(count, PAGE_ROWS - pageRows);
                levels.add(index < 0 ? 0 : 1, n);
                if (index >= 0) {
                    indices.add(index, n);
                }
                pageRows += n;
                count -= n;
                if (pageRows >= PAGE_ROWS) {
                    flushPage();
                }
            }
        }

        void flushPage() {
            if (pageRows == 0) {
                return;
            }
            if (pageHasBounds && bounds) {
                if (kind == PrimitiveTypeName.INT64) {
                    stats.updateStats(pageMin);
                    stats.updateStats(pageMax);
                } else if (kind == PrimitiveTypeName.INT32) {
                    stats.updateStats((int) pageMin);
                    stats.updateStats((int) pageMax);
                } else if (kind == PrimitiveTypeName.DOUBLE) {
                    stats.updateStats(pageMinDouble);
                    stats.updateStats(pageMaxDouble);
                }
            }
            pageHasBounds = false;
            body.size = 0;
            int lengthAt = body.size;
            body.putInt(0);
            levels.encode(body, 1);
            INT_LE.set(body.data, lengthAt, body.size - lengthAt - 4);
            org.apache.parquet.format.Encoding encoding;
            if (dictionary == Boolean.TRUE) {
                int width = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(0, dictionaryValues.size() - 1)));
                body.put((byte) width);
                indices.encode(body, width);
                encoding = org.apache.parquet.format.Encoding.RLE_DICTIONARY;
                encodings.add(Encoding.RLE_DICTIONARY);
            } else {
                if (booleanCount > 0) {
                    values.put((byte) booleanBits);
                    booleanBits = 0;
                    booleanCount = 0;
                }
                body.put(values.data, 0, values.size);
                encoding = org.apache.parquet.format.Encoding.PLAIN;
                encodings.add(Encoding.PLAIN);
            }
            encodings.add(Encoding.RLE);
            PageHeader header = new PageHeader(PageType.DATA_PAGE, body.size, compress(body));
            header.setData_page_header(new DataPageHeader(pageRows, encoding,
                    org.apache.parquet.format.Encoding.RLE, org.apache.parquet.format.Encoding.RLE));
            int before = pages.size;
            writeHeader(header, pages);
            uncompressed += (pages.size - before) + body.size;
            pages.put(compressed.data, 0, compressed.size);
            valueCount += pageRows;
            pageRows = 0;
            values.size = 0;
            levels.clear();
            indices.clear();
        }

        /** Writes the dictionary page (if any) and the data pages; returns the chunk's metadata; resets the chunk. */
        ColumnChunkMetaData writeTo(PositionOutputStream file) throws IOException {
            flushPage();
            long dictionaryOffset = 0;
            long totalSize = pages.size;
            long totalUncompressed = uncompressed;
            if (dictionary == Boolean.TRUE) {
                body.size = 0;
                for (Object value : dictionaryValues) {
                    if (value instanceof Binary b) {
                        if (kind == PrimitiveTypeName.BINARY) {
                            body.putInt(b.length());
                        }
                        body.put(b.getBytesUnsafe(), 0, b.length());
                    } else if (kind == PrimitiveTypeName.INT32) {
                        body.putInt(((Long) value).intValue());
                    } else {
                        body.putLong((Long) value);
                    }
                }
                PageHeader header = new PageHeader(PageType.DICTIONARY_PAGE, body.size, compress(body));
                header.setDictionary_page_header(new DictionaryPageHeader(dictionaryValues.size(),
                        org.apache.parquet.format.Encoding.PLAIN));
                Bytes dictionaryPage = new Bytes();
                writeHeader(header, dictionaryPage);
                totalUncompressed += dictionaryPage.size + body.size;
                dictionaryPage.put(compressed.data, 0, compressed.size);
                dictionaryOffset = file.getPos();
                file.write(dictionaryPage.data, 0, dictionaryPage.size);
                totalSize += dictionaryPage.size;
                encodings.add(Encoding.PLAIN);
            }
            long dataOffset = file.getPos();
            file.write(pages.data, 0, pages.size);
            ColumnChunkMetaData meta = ColumnChunkMetaData.get(ColumnPath.get(descriptor.getPath()), primitive,
                    CompressionCodecName.ZSTD, null, EnumSet.copyOf(encodings), stats, dataOffset, dictionaryOffset,
                    valueCount, totalSize, totalUncompressed);
            pages.size = 0;
            uncompressed = 0;
            valueCount = 0;
            stats = Statistics.createStats(primitive);
            encodings.clear();
            dictionary = null;
            dictionaryIndex.clear();
            dictionaryValues.clear();
            return meta;
        }
    }

    private static void writeHeader(PageHeader header, Bytes to) {
        try {
            Util.writePageHeader(header, to.asStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs of one value: RLE runs of Parquet's RLE/bit-packing hybrid, encoded at a given bit width. */
    private static final class Runs {
        private int[] values = new int[64];
        private int[] lengths = new int[64];
        private int count;

        void add(int value, int length) {
            if (count > 0 && values[count - 1] == value) {
                lengths[count - 1] += length;
                return;
            }
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            values[count] = value;
            lengths[count] = length;
            count++;
        }

        void encode(Bytes to, int bitWidth) {
            int bytes = (bitWidth + 7) / 8;
            for (int i = 0; i < count; i++) {
                to.putVarInt(lengths[i] << 1);
                int v = values[i];
                for (int b = 0; b < bytes; b++) {
                    to.put((byte) (v >>> (8 * b)));
                }
            }
        }

        void clear() {
            count = 0;
        }
    }

    /** A growable byte buffer with little-endian puts. */
    private static final class Bytes {
        byte[] data = new byte[64 * 1024];
        int size;

        void ensure(int more) {
            if (size + more > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, size + more));
            }
        }

        void put(byte b) {
            ensure(1);
            data[size++] = b;
        }

        void put(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, data, size, len);
            size += len;
        }

        void putInt(int v) {
            ensure(4);
            INT_LE.set(data, size, v);
            size += 4;
        }

        void putLong(long v) {
            ensure(8);
            LONG_LE.set(data, size, v);
            size += 8;
        }

        void putVarInt(int v) {
            while ((v & ~0x7f) != 0) {
                put((byte) ((v & 0x7f) | 0x80));
                v >>>= 7;
            }
            put((byte) v);
        }

        OutputStream asStream() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    put((byte) b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    put(b, off, len);
                }
            };
        }
    }
}

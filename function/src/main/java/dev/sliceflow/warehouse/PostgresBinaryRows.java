package dev.sliceflow.warehouse;

import dev.sliceflow.csv.CsvFields;
import dev.sliceflow.csv.CsvValues;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.PartRows;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Parts as PostgreSQL's binary COPY format: each record's CSV fields converted in the loader to the server's own
 * binary representation (int8, float8, bool, timestamptz, date, numeric; text and json as their UTF-8 bytes), then
 * the manifest's metadata values. The server then only copies bytes into the row: its CSV parsing and text input
 * functions were a third of a COPY into the loader's table (docs/performance.md), and the loader (a Lambda) has cores
 * to spare where the database has none.
 *
 * <p>What a value may look like is what {@link CsvValues} accepts (the lake's rules too): a value the column type
 * refuses, a string that is not UTF-8 or a record of the wrong width fails the part's manifest alone, naming the part,
 * row and column ({@link PartRows}), before the server sees it. The server still checks ranges (a date PostgreSQL
 * cannot hold) and JSON.
 */
final class PostgresBinaryRows {
    /** Where the bytes go: the COPY's {@code writeToCopy}. */
    interface Sink {
        void write(byte[] bytes, int offset, int length) throws SQLException;
    }

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Microseconds between 1970-01-01 and PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final int PG_EPOCH_DAYS = 10_957;
    private static final int FLUSH_AT = 1 << 16;

    private final Sink sink;
    private final CsvFields reader;
    private byte[] out;
    private int size;

    /** @param reader reused across COPYs: its buffer is a MiB, and a batch of small manifests has many COPYs */
    PostgresBinaryRows(Sink sink, CsvFields reader) {
        this(sink, reader, FLUSH_AT + (1 << 12));
    }

    private PostgresBinaryRows(Sink sink, CsvFields reader, int buffer) {
        this.sink = sink;
        this.reader = reader;
        this.out = new byte[buffer];
    }

    /** The file header: signature, flags, no extension. */
    void begin() throws SQLException {
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, out, size, SIGNATURE.length);
        size += SIGNATURE.length;
        putInt(0);
        putInt(0);
    }

    /** The trailer, and everything still buffered. */
    void end() throws SQLException {
        ensure(2);
        putShort(-1);
        flush();
    }

    /**
     * Every record of {@code part} (with {@code columns}, in CSV order), each followed by its manifest's metadata
     * values ({@link PartRows}: verified, decompressed, split, its row count checked). Returns its rows.
     */
    long part(StagedPart part, List<Column> columns, PartOpener opener) throws SQLException, ManifestFailure {
        int width = columns.size();
        ColumnType[] types = columns.stream().map(Column::type).toArray(ColumnType[]::new);
        byte[] metadata = metadata(part.manifest());
        short fields = (short) (width + Sql.METADATA_COLUMNS.size());
        try {
            return PartRows.read(part, columns, opener, reader, (record, row) -> {
                ensure(2);
                putShort(fields);
                byte[] b = record.bytes();
                for (int f = 0; f < width; f++) {
                    if (record.isNull(f)) {
                        ensure(4);
                        putInt(-1);
                        continue;
                    }
                    try {
                        value(types[f], b, record.start(f), record.length(f));
                    } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException refused) {
                        throw new PartRows.Refused(f, refused);
                    }
                }
                ensure(metadata.length);
                System.arraycopy(metadata, 0, out, size, metadata.length);
                size += metadata.length;
                if (size >= FLUSH_AT) {
                    try {
                        flush();
                    } catch (SQLException e) {
                        throw new UncheckedSql(e);
                    }
                }
            });
        } catch (UncheckedSql e) {
            throw e.getCause();
        }
    }

    /** The server's refusal, out through the record callback (which declares only the part's failures). */
    private static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private void value(ColumnType type, byte[] b, int start, int length) {
        switch (type) {
            case STRING, JSON -> {
                CsvValues.checkUtf8(b, start, length);
                ensure(4 + length);
                putInt(length);
                System.arraycopy(b, start, out, size, length);
                size += length;
            }
            case LONG -> {
                long v = CsvValues.parseLong(b, start, length);
                ensure(12);
                putInt(8);
                putLong(v);
            }
            case DOUBLE -> {
                double v = CsvValues.parseDouble(b, start, length);
                ensure(12);
                putInt(8);
                putLong(Double.doubleToRawLongBits(v));
            }
            case BOOLEAN -> {
                boolean v = CsvValues.parseBoolean(b, start, length);
                ensure(5);
                putInt(1);
                out[size++] = (byte) (v ? 1 : 0);
            }
            case TIMESTAMP -> {
                long v = Math.subtractExact(CsvValues.timestampMicros(b, start, length), PG_EPOCH_MICROS);
                ensure(12);
                putInt(8);
                putLong(v);
            }
            case DATE -> {
                int v = Math.subtractExact(CsvValues.dateDays(b, start, length), PG_EPOCH_DAYS);
                ensure(8);
                putInt(4);
                putInt(v);
            }
            case DECIMAL -> numeric(CsvValues.decimal(b, start, length));
        }
    }

    /**
     * A numeric(38,9) as PostgreSQL sends it: base-10000 digits (most significant first, leading and trailing zero
     * groups dropped), the weight of the first group, the sign, and the display scale, 9.
     */
    private void numeric(BigDecimal value) {
        BigInteger unscaled = value.unscaledValue(); // CsvValues.decimal: scale 9 already
        // the integer and fraction digits, the fraction padded to 12 (three base-10000 groups)
        String digits = unscaled.abs().toString();
        int scale = Column.DECIMAL_SCALE;
        String integer = digits.length() > scale ? digits.substring(0, digits.length() - scale) : "";
        String fraction = "0".repeat(Math.max(0, scale - digits.length()))
                + digits.substring(Math.max(0, digits.length() - scale)) + "000";
        int integerGroups = (integer.length() + 3) / 4;
        integer = "0".repeat(integerGroups * 4 - integer.length()) + integer;
        int[] groups = new int[integerGroups + 3];
        for (int g = 0; g < integerGroups; g++) {
            groups[g] = Integer.parseInt(integer, g * 4, g * 4 + 4, 10);
        }
        for (int g = 0; g < 3; g++) {
            groups[integerGroups + g] = Integer.parseInt(fraction, g * 4, g * 4 + 4, 10);
        }
        int first = 0;
        while (first < groups.length && groups[first] == 0) {
            first++;
        }
        int last = groups.length - 1;
        while (last >= first && groups[last] == 0) {
            last--;
        }
        int count = last < first ? 0 : last - first + 1;
        int weight = count == 0 ? 0 : integerGroups - 1 - first;
        ensure(4 + 8 + 2 * count);
        putInt(8 + 2 * count);
        putShort(count);
        putShort(weight);
        putShort(unscaled.signum() < 0 ? 0x4000 : 0);
        putShort(scale);
        for (int g = first; g < first + count; g++) {
            putShort(groups[g]);
        }
    }

    /** The metadata columns' values of every record of {@code m}: _sync_id, _sync_time, _source, _account, _region. */
    private static byte[] metadata(Manifest m) {
        PostgresBinaryRows encoder = new PostgresBinaryRows((bytes, offset, length) -> { }, null, 256);
        encoder.text(m.syncId());
        encoder.ensure(12);
        encoder.putInt(8);
        encoder.putLong(ChronoUnit.MICROS.between(Instant.EPOCH, m.syncTime()) - PG_EPOCH_MICROS);
        encoder.text(m.source());
        encoder.text(m.account());
        encoder.text(m.region());
        return java.util.Arrays.copyOf(encoder.out, encoder.size);
    }

    private void text(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensure(4 + bytes.length);
        putInt(bytes.length);
        System.arraycopy(bytes, 0, out, size, bytes.length);
        size += bytes.length;
    }

    private void flush() throws SQLException {
        if (size > 0) {
            sink.write(out, 0, size);
            size = 0;
        }
    }

    private void ensure(int bytes) {
        if (size + bytes > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, size + bytes));
        }
    }

    private void putShort(int v) {
        out[size++] = (byte) (v >>> 8);
        out[size++] = (byte) v;
    }

    private void putInt(int v) {
        out[size++] = (byte) (v >>> 24);
        out[size++] = (byte) (v >>> 16);
        out[size++] = (byte) (v >>> 8);
        out[size++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}

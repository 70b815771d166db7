package dev.sliceflow.lake;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.PartStream;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * One part's rows as Iceberg records: the part streams through {@link PartStream} (size, SHA-256, gunzip, header,
 * row count checked as it streams, no metadata suffix), is parsed with sliceflow's one CSV dialect (an unquoted empty
 * field is NULL, {@code ""} the empty string), and each field is converted to its column's Iceberg value. A value the
 * column type refuses fails the part's manifest alone ({@link ManifestFailure}), naming the part, row and column.
 */
final class PartRecords {
    private PartRecords() {
    }

    /**
     * Streams every row of {@code part} into {@code sink}, as records of {@code schema} (the table's current schema:
     * columns the manifest does not have stay NULL) with the manifest's metadata values.
     */
    static long read(StagedPart part, List<Column> columns, PartOpener opener, Schema schema, Consumer<Record> sink)
            throws ManifestFailure {
        int width = columns.size();
        int[] positions = new int[width];
        for (int i = 0; i < width; i++) {
            positions[i] = schema.columns().indexOf(schema.findField(columns.get(i).name()));
        }
        // one record for the whole part: the writer copies each value out as it writes the row, so only the
        // manifest's columns change from row to row (the table's other columns stay NULL, the metadata constant)
        GenericRecord row = GenericRecord.create(schema);
        var m = part.manifest();
        row.setField("_sync_id", m.syncId());
        row.setField("_sync_time", m.syncTime().atOffset(ZoneOffset.UTC));
        row.setField("_source", m.source());
        row.setField("_account", m.account());
        row.setField("_region", m.region());
        PartStream stream = new PartStream(part, opener, columns.stream().map(Column::name).toList(), "");
        long rows = 0;
        try (Reader reader = new InputStreamReader(stream, CsvDialect.CHARSET);
             CSVParser parser = CSVParser.builder().setReader(reader).setFormat(CsvDialect.FORMAT).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            while (hasNext(records)) {
                CSVRecord record = records.next();
                rows++;
                if (record.size() != width) {
                    throw failure(part, stream, new InvalidInputException("part " + part.part().key() + " row " + rows
                            + " has " + record.size() + " fields, the manifest lists " + width + " columns"));
                }
                for (int i = 0; i < width; i++) {
                    String text = record.get(i);
                    if (text == null) {
                        row.set(positions[i], null);
                    } else {
                        Column column = columns.get(i);
                        try {
                            row.set(positions[i], value(column.type(), text));
                        } catch (RuntimeException refused) {
                            throw failure(part, stream, new InvalidInputException("part " + part.part().key() + " row "
                                    + rows + " column " + column.name() + ": " + printable(text) + " is not a "
                                    + column.type() + " (" + refused.getMessage() + ")", refused));
                        }
                    }
                }
                sink.accept(row);
            }
        } catch (ManifestFailure failure) {
            throw failure;
        } catch (IOException | UncheckedIOException e) {
            ManifestFailure failure = ManifestFailure.in(e);
            if (failure != null) {
                throw failure;
            }
            ManifestFailure mismatch = stream.mismatch();
            if (mismatch != null) {
                throw mismatch;
            }
            throw failure(part, stream, new InvalidInputException("part " + part.part().key() + " is not valid CSV: "
                    + e.getMessage(), e));
        }
        return rows;
    }

    /** The iterator's next step; a failure of the stream under the parser surfaces as an unchecked IOException. */
    private static boolean hasNext(Iterator<CSVRecord> records) throws ManifestFailure {
        try {
            return records.hasNext();
        } catch (UncheckedIOException e) {
            ManifestFailure failure = ManifestFailure.in(e);
            if (failure != null) {
                throw failure;
            }
            throw e;
        } catch (IllegalStateException e) {
            // commons-csv reports a malformed record (an unclosed quote) this way
            ManifestFailure failure = ManifestFailure.in(e);
            if (failure != null) {
                throw failure;
            }
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
    }

    /** A field's Iceberg value: the same texts CsvDialect writes, refused strictly when they are anything else. */
    static Object value(ColumnType type, String text) {
        return switch (type) {
            case STRING, JSON -> text;
            case LONG -> Long.parseLong(text);
            case DOUBLE -> Double.parseDouble(text);
            case DECIMAL -> {
                BigDecimal decimal = new BigDecimal(text).setScale(Column.DECIMAL_SCALE, RoundingMode.UNNECESSARY);
                if (decimal.precision() > Column.DECIMAL_PRECISION) {
                    throw new IllegalArgumentException("more than " + Column.DECIMAL_PRECISION + " digits");
                }
                yield decimal;
            }
            case BOOLEAN -> switch (text) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("not true or false");
            };
            case TIMESTAMP -> {
                Instant instant = timestamp(text);
                if (instant.getNano() % 1000 != 0) {
                    throw new IllegalArgumentException("finer than microseconds");
                }
                yield instant.atOffset(ZoneOffset.UTC);
            }
            case DATE -> LocalDate.parse(text);
        };
    }

    /**
     * The worker's form, {@code 2024-01-02T03:04:05.123456Z}, parsed by hand (Instant.parse's formatter was a large
     * share of a load's time); anything else through Instant.parse, which also refuses what is not a timestamp.
     */
    static Instant timestamp(String text) {
        if (text.length() == 27 && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && text.charAt(19) == '.' && text.charAt(26) == 'Z') {
            int year = digits(text, 0, 4);
            int month = digits(text, 5, 7);
            int day = digits(text, 8, 10);
            int hour = digits(text, 11, 13);
            int minute = digits(text, 14, 16);
            int second = digits(text, 17, 19);
            int micros = digits(text, 20, 26);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && hour >= 0 && hour <= 23 && minute >= 0
                    && minute <= 59 && second >= 0 && second <= 59 && micros >= 0
                    && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
                long days = LocalDate.of(year, month, day).toEpochDay();
                return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, micros * 1_000L);
            }
        }
        return Instant.parse(text);
    }

    /** The decimal digits text[from, to) as a number, or -1 when one is not a digit. */
    private static int digits(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /**
     * The manifest's failure for a part its column types or its shape refuse; but when the stored bytes are not what
     * the manifest lists, that mismatch (transient: a tampered or half-written object) explains it and is reported.
     */
    private static ManifestFailure failure(StagedPart part, PartStream stream, InvalidInputException e) {
        ManifestFailure mismatch = stream.mismatch();
        if (mismatch != null) {
            return mismatch;
        }
        // data/<table>/...: the reason names the table, as the SQL warehouses' do
        String table = part.part().key().split("/", 3)[1];
        String prefix = "table " + table + ": cannot load manifest " + part.manifestKey() + ": ";
        return new ManifestFailure(part.manifestKey(), new InvalidInputException(prefix + e.getMessage(), e));
    }

    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return dev.sliceflow.core.Identifiers.printable(shown);
    }
}

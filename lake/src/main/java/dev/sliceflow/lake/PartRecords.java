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
        GenericRecord template = GenericRecord.create(schema);
        var m = part.manifest();
        template.setField("_sync_id", m.syncId());
        template.setField("_sync_time", m.syncTime().atOffset(ZoneOffset.UTC));
        template.setField("_source", m.source());
        template.setField("_account", m.account());
        template.setField("_region", m.region());
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
                GenericRecord row = template.copy();
                for (int i = 0; i < width; i++) {
                    String text = record.get(i);
                    if (text != null) {
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
                Instant instant = Instant.parse(text);
                if (instant.getNano() % 1000 != 0) {
                    throw new IllegalArgumentException("finer than microseconds");
                }
                yield instant.atOffset(ZoneOffset.UTC);
            }
            case DATE -> LocalDate.parse(text);
        };
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
        String prefix = "cannot load manifest " + part.manifestKey() + ": ";
        return new ManifestFailure(part.manifestKey(), new InvalidInputException(prefix + e.getMessage(), e));
    }

    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return dev.sliceflow.core.Identifiers.printable(shown);
    }
}

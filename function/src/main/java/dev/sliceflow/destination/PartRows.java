package dev.sliceflow.destination;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.csv.CsvFields;
import dev.sliceflow.schema.Column;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * One part's records as fields, for a destination that converts values itself (the lake's Parquet, PostgreSQL's
 * binary COPY): the part streams through {@link PartStream} (size, SHA-256, gunzip and header checked as it streams),
 * is split into fields on bytes by {@link CsvFields}, and its row count is checked at the end. A record of the wrong
 * width, a value its column refuses, bytes that are not CSV: each fails the part's manifest alone
 * ({@link ManifestFailure}), naming the part, row and column; but when the stored bytes are not what the manifest
 * lists, that mismatch (a tampered or half-written object) explains it and is reported instead.
 */
public final class PartRows {
    /** Takes each record of the part; its fields are valid until it returns. */
    public interface Sink {
        /**
         * @param row the record's number in the part, from 1
         * @throws Refused when a field is not a value of its column
         */
        void record(CsvFields fields, long row) throws Refused, ManifestFailure;
    }

    /** A field of the current record that its column's type refuses. */
    public static final class Refused extends Exception {
        private final int field;

        public Refused(int field, RuntimeException reason) {
            super(reason.getMessage(), reason, false, false);
            this.field = field;
        }
    }

    private PartRows() {
    }

    /** Hands every record of {@code part} (with {@code columns}, in CSV order) to {@code sink}; returns its rows. */
    public static long read(StagedPart part, List<Column> columns, PartOpener opener, CsvFields reader, Sink sink)
            throws ManifestFailure {
        int width = columns.size();
        // CsvFields splits and counts the records: the stream need not scan them too
        PartStream stream = PartStream.unscanned(part, opener, columns.stream().map(Column::name).toList());
        long rows = 0;
        try (stream) {
            CsvFields fields = reader.reset(stream);
            while (fields.next()) {
                rows++;
                if (fields.count() != width) {
                    throw failure(part, stream, new InvalidInputException("part " + part.part().key() + " row " + rows
                            + " has " + fields.count() + " fields, the manifest lists " + width + " columns"));
                }
                try {
                    sink.record(fields, rows);
                } catch (RuntimeException e) {
                    // the destination refused what a tampered or half-written part gave it: say that, not its refusal
                    ManifestFailure mismatch = stream.mismatch();
                    if (mismatch != null) {
                        mismatch.addSuppressed(e);
                        throw mismatch;
                    }
                    throw e;
                } catch (Refused refused) {
                    Column column = columns.get(refused.field);
                    throw failure(part, stream, new InvalidInputException("part " + part.part().key() + " row "
                            + rows + " column " + column.name() + ": " + printable(fields.text(refused.field))
                            + " is not a " + column.type() + " (" + refused.getMessage() + ")", refused.getCause()));
                }
            }
            stream.checkRows(rows);
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

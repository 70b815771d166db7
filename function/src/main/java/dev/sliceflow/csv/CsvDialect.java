package dev.sliceflow.csv;

import dev.sliceflow.manifest.CsvDialectSpec;
import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.ColumnType;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * sliceflow's one CSV dialect, pinned here and nowhere else.
 *
 * <p>Output, exactly: UTF-8; a header row of column names; fields separated by {@code ,}; records ended by {@code \n}
 * (never the platform separator); every non-NULL value in double quotes with inner quotes doubled (RFC 4180);
 * NULL as an empty unquoted field. So {@code ,,} is NULL and {@code ,"",} is the empty string, which is what
 * PostgreSQL's {@code COPY ... (FORMAT csv)}, DuckDB's {@code read_csv(..., allow_quoted_nulls=false)} and
 * Redshift's {@code COPY ... CSV} read back exactly. CR, LF, tabs, backslashes and delimiters need no escaping
 * inside quotes. Values starting with {@code = + - @} are written as they are: the data is for warehouses, and
 * rewriting it for spreadsheets would lose it.
 *
 * <p>A row {@code ["a\"b", "", null, 42]} is written as {@code "a""b","",,"42"} followed by {@code \n}.
 */
public final class CsvDialect {
    public static final Charset CHARSET = StandardCharsets.UTF_8;
    public static final String RECORD_SEPARATOR = "\n";

    /** For writing and reading parts. Immutable and thread-safe. */
    public static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setRecordSeparator(RECORD_SEPARATOR)
            .setQuoteMode(QuoteMode.ALL_NON_NULL)
            .setNullString("")
            .get();

    private static final DateTimeFormatter TIMESTAMP = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .appendFraction(ChronoField.MICRO_OF_SECOND, 6, 6, true)
            .appendLiteral('Z')
            .toFormatter()
            .withZone(ZoneOffset.UTC);

    private CsvDialect() {
    }

    /** The dialect as a manifest states it. */
    public static CsvDialectSpec spec(Compression compression) {
        return new CsvDialectSpec("UTF-8", ",", "\"", "\"", RECORD_SEPARATOR, true, "unquoted-empty", "all-non-null",
                compression);
    }

    /**
     * The CSV text of a non-null value of the given type.
     *
     * @throws IllegalArgumentException when the value is not of the type's Java class
     */
    public static String encode(ColumnType type, Object value) {
        try {
            return switch (type) {
                case STRING, JSON -> (String) value;
                case LONG -> Long.toString((Long) value);
                case DOUBLE -> Double.toString((Double) value);
                case DECIMAL -> ((BigDecimal) value).toPlainString();
                case BOOLEAN -> ((Boolean) value) ? "true" : "false";
                case TIMESTAMP -> TIMESTAMP.format(((Instant) value).truncatedTo(ChronoUnit.MICROS));
                case DATE -> ((LocalDate) value).toString();
            };
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("a " + type + " column cannot hold a " + value.getClass().getSimpleName(), e);
        }
    }

    /** The inverse of {@link #encode}: the value of a non-null CSV field. */
    public static Object decode(ColumnType type, String text) {
        return switch (type) {
            case STRING, JSON -> text;
            case LONG -> Long.parseLong(text);
            case DOUBLE -> Double.parseDouble(text);
            case DECIMAL -> new BigDecimal(text);
            case BOOLEAN -> Boolean.parseBoolean(text);
            case TIMESTAMP -> Instant.parse(text);
            case DATE -> LocalDate.parse(text);
        };
    }
}

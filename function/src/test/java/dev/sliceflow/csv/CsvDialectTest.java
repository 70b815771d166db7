package dev.sliceflow.csv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.schema.ColumnType;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

class CsvDialectTest {
    @Test
    void print_whenNullAndEmptyAndQuotes_writesTheDocumentedBytes() throws Exception {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CsvDialect.FORMAT)) {
            printer.printRecord("a\"b", "", null, "42", "x\r\ny");
        }
        assertThat(out.toString()).isEqualTo("\"a\"\"b\",\"\",,\"42\",\"x\r\ny\"\n");
    }

    @Test
    void parse_whenQuotedEmptyAndUnquotedEmpty_keepsEmptyStringAndNullApart() throws Exception {
        try (CSVParser parser = CSVParser.parse("\"\",,\"x\"\n", CsvDialect.FORMAT)) {
            CSVRecord record = parser.getRecords().get(0);
            assertThat(record.get(0)).isEmpty();
            assertThat(record.get(1)).isNull();
            assertThat(record.get(2)).isEqualTo("x");
        }
    }

    @Test
    void encode_whenTimestampHasMicros_writesSixFractionDigitsInUtc() {
        assertThat(CsvDialect.encode(ColumnType.TIMESTAMP, Instant.parse("2024-01-02T03:04:05.1234567Z")))
                .isEqualTo("2024-01-02T03:04:05.123456Z");
        assertThat(CsvDialect.encode(ColumnType.TIMESTAMP, Instant.parse("0001-01-01T00:00:00Z")))
                .isEqualTo("0001-01-01T00:00:00.000000Z");
    }

    @Test
    void decode_whenEncoded_returnsTheSameValueForEveryType() {
        List<Object[]> cases = List.of(
                new Object[] {ColumnType.LONG, Long.MIN_VALUE},
                new Object[] {ColumnType.DOUBLE, -0.0},
                new Object[] {ColumnType.DOUBLE, Double.MIN_VALUE},
                new Object[] {ColumnType.DOUBLE, Double.NaN},
                new Object[] {ColumnType.DOUBLE, Double.NEGATIVE_INFINITY},
                new Object[] {ColumnType.DECIMAL, new BigDecimal("-12345678901234567890123456789.123456789")},
                new Object[] {ColumnType.BOOLEAN, false},
                new Object[] {ColumnType.TIMESTAMP, Instant.parse("9999-12-31T23:59:59.999999Z")},
                new Object[] {ColumnType.DATE, LocalDate.parse("0001-01-01")},
                new Object[] {ColumnType.JSON, "{\"a\":[1,null]}"},
                new Object[] {ColumnType.STRING, "emoji \uD83D\uDE00"});
        for (Object[] c : cases) {
            ColumnType type = (ColumnType) c[0];
            assertThat(CsvDialect.decode(type, CsvDialect.encode(type, c[1]))).as(type.name()).isEqualTo(c[1]);
        }
    }
}

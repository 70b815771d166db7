package dev.sliceflow.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The byte-level reader against commons-csv, the library the worker writes parts with, on the same bytes. */
class CsvFieldsTest {
    private static final String[] AWKWARD = {"", "a", "a,b", "say \"hi\"", "\"", "\"\"", "line\nbreak", "cr\r\nlf",
            "\r", "tab\there", "naïve 日本 🎉", ",", " padded ", "=1+2", "\\backslash"};

    @Test
    void readsWhatTheWorkersDialectWrites_asCommonsCsvDoes() throws IOException {
        Random random = new Random(42);
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < 5_000; r++) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                int pick = random.nextInt(AWKWARD.length + 2);
                row.add(pick == AWKWARD.length ? null : pick == AWKWARD.length + 1
                        ? "x".repeat(random.nextInt(3000)) : AWKWARD[pick]);
            }
            rows.add(row);
        }
        StringWriter text = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(text, CsvDialect.FORMAT)) {
            for (List<String> row : rows) {
                printer.printRecord(row);
            }
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);

        // tiny reads, so that records straddle every possible buffer boundary
        List<List<String>> ours = read(new TrickleInputStream(bytes, random));

        assertThat(ours).isEqualTo(commonsCsv(text.toString())).isEqualTo(rows);
    }

    @Test
    void crlfEndedRecords_readLikeCommonsCsv() throws IOException {
        String text = "\"a\",,\"\"\r\n\"b\",\"2\",x\r\n";

        assertThat(read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)))).isEqualTo(commonsCsv(text));
    }

    @Test
    void aCharacterAfterAClosingQuote_isMalformed() {
        byte[] bytes = "\"a\"b,\"c\"\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> read(new ByteArrayInputStream(bytes))).isInstanceOf(CsvFields.Malformed.class)
                .hasMessageContaining("after a closing quote: b");
    }

    @Test
    void aQuoteLeftOpen_isMalformed() {
        byte[] bytes = "\"a\",\"b\nc\n".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> read(new ByteArrayInputStream(bytes))).isInstanceOf(CsvFields.Malformed.class)
                .hasMessageContaining("not closed");
    }

    private static List<List<String>> read(InputStream in) throws IOException {
        CsvFields fields = new CsvFields(in);
        List<List<String>> rows = new ArrayList<>();
        while (fields.next()) {
            List<String> row = new ArrayList<>();
            for (int f = 0; f < fields.count(); f++) {
                row.add(fields.isNull(f) ? null : fields.text(f));
            }
            rows.add(row);
        }
        return rows;
    }

    private static List<List<String>> commonsCsv(String text) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(CsvDialect.FORMAT).get()) {
            for (CSVRecord record : parser) {
                rows.add(Arrays.asList(record.values()));
            }
        }
        return rows;
    }

    /** Hands out 1 to 7 bytes per read. */
    private static final class TrickleInputStream extends InputStream {
        private final byte[] bytes;
        private final Random random;
        private int position;

        TrickleInputStream(byte[] bytes, Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(7)), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }
}

package dev.sliceflow.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetadataColumnsInputStreamTest {
    private static final String CSV = "\"id\",\"s\"\n"
            + "\"1\",\"line\nbreak, \"\"quoted\"\"\"\n"
            + "\"2\",\n"
            + "\"3\",\"cr\r\nlf \uD83D\uDE00\"\n"
            + "\"4\",\"\"\n";
    private static final String EXPECTED = "\"id\",\"s\",_m\n"
            + "\"1\",\"line\nbreak, \"\"quoted\"\"\",\"x\"\n"
            + "\"2\",,\"x\"\n"
            + "\"3\",\"cr\r\nlf \uD83D\uDE00\",\"x\"\n"
            + "\"4\",\"\",\"x\"\n";

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 8192})
    void read_inAnyChunkSize_appendsTheSuffixToEveryRecordOnly(int chunk) throws IOException {
        assertThat(readAll(new MetadataColumnsInputStream(trickle(CSV, chunk), ",_m", ",\"x\""), chunk))
                .isEqualTo(EXPECTED);
    }

    @Test
    void read_randomChunks_isStable() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            int in = 1 + random.nextInt(20);
            int out = 1 + random.nextInt(20);
            assertThat(readAll(new MetadataColumnsInputStream(trickle(CSV, in), ",_m", ",\"x\""), out))
                    .isEqualTo(EXPECTED);
        }
    }

    @Test
    void read_whenTheLastRecordHasNoNewline_closesIt() throws IOException {
        assertThat(readAll(new MetadataColumnsInputStream(trickle("\"a\"\n\"1\"", 100), ",_m", ",\"x\""), 100))
                .isEqualTo("\"a\",_m\n\"1\",\"x\"\n");
    }

    @Test
    void read_headerOnlyAndEmpty() throws IOException {
        assertThat(readAll(new MetadataColumnsInputStream(trickle("\"a\"\n", 100), ",_m", ",\"x\""), 100))
                .isEqualTo("\"a\",_m\n");
        assertThat(readAll(new MetadataColumnsInputStream(trickle("", 100), ",_m", ",\"x\""), 100)).isEmpty();
    }

    /** A stream that returns at most {@code chunk} bytes per read, like a network stream. */
    private static InputStream trickle(String text, int chunk) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    private static String readAll(InputStream in, int chunk) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[chunk];
        int n;
        while ((n = in.read(buffer, 0, buffer.length)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package dev.sliceflow.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.WriteMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartStreamTest {
    private static final String CSV = "\"id\",\"s\"\n"
            + "\"1\",\"line\nbreak, \"\"quoted\"\"\"\n"
            + "\"2\",\n"
            + "\"3\",\"cr\r\nlf \uD83D\uDE00\"\n"
            + "\"4\",\"\"\n";
    private static final String EXPECTED = "\"1\",\"line\nbreak, \"\"quoted\"\"\",\"x\"\n"
            + "\"2\",,\"x\"\n"
            + "\"3\",\"cr\r\nlf \uD83D\uDE00\",\"x\"\n"
            + "\"4\",\"\",\"x\"\n";
    private static final List<String> COLUMNS = List.of("id", "s");
    private static final Manifest MANIFEST = new Manifest(1, "sync-1", Instant.parse("2026-01-01T00:00:00Z"),
            "synthetic", "111122223333", "us-east-1", 0, true, WriteMode.REPLACE, "a1", "test", Instant.EPOCH,
            CsvDialect.spec(Compression.NONE), List.of());

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 8192})
    void read_inAnyChunkSize_dropsTheHeaderAndAppendsTheSuffixToEveryRecord(int chunk) throws IOException {
        assertThat(readAll(stream(CSV, 4, chunk), chunk)).isEqualTo(EXPECTED);
    }

    @Test
    void read_randomChunks_isStable() throws IOException {
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            assertThat(readAll(stream(CSV, 4, 1 + random.nextInt(20)), 1 + random.nextInt(20))).isEqualTo(EXPECTED);
        }
    }

    @Test
    void read_whenTheLastRecordHasNoNewline_closesIt() throws IOException {
        assertThat(readAll(stream("\"id\",\"s\"\n\"1\",\"a\"", 1, 100), 100)).isEqualTo("\"1\",\"a\",\"x\"\n");
    }

    @Test
    void read_headerOnly_isEmpty() throws IOException {
        assertThat(readAll(stream("\"id\",\"s\"\n", 0, 100), 100)).isEmpty();
    }

    @Test
    void read_whenTheHeaderNamesOtherColumnsOrOrder_failsPermanentlyNamingBoth() {
        assertThatThrownBy(() -> readAll(stream("\"s\",\"id\"\n\"a\",\"1\"\n", 1, 100), 100))
                .isInstanceOf(ManifestFailure.class)
                .satisfies(e -> {
                    ManifestFailure failure = (ManifestFailure) e;
                    assertThat(failure.manifestKey()).isEqualTo("manifests/m.json");
                    assertThat(failure.failure()).isInstanceOf(InvalidInputException.class)
                            .hasMessageContaining("part data/t/p.csv has the header 's,id'")
                            .hasMessageContaining("columns id,s");
                });
    }

    @Test
    void read_whenThePartHoldsOtherRowsThanListed_failsPermanently() {
        assertThatThrownBy(() -> readAll(stream(CSV, 5, 100), 100))
                .isInstanceOf(ManifestFailure.class)
                .satisfies(e -> assertThat(((ManifestFailure) e).failure()).isInstanceOf(InvalidInputException.class)
                        .hasMessageContaining("has 4 rows, manifest says 5"));
    }

    @Test
    void read_whenTheBytesAreNotTheListedOnes_failsTransientlyNamingTheChecksum() {
        byte[] bytes = CSV.getBytes(StandardCharsets.UTF_8);
        ManifestPart part = new ManifestPart("data/t/p.csv", 4, bytes.length, "0".repeat(64));
        PartStream stream = new PartStream(new StagedPart("manifests/m.json", MANIFEST, part),
                p -> new ByteArrayInputStream(bytes), COLUMNS, ",\"x\"");
        assertThatThrownBy(() -> readAll(stream, 100))
                .isInstanceOf(ManifestFailure.class)
                .satisfies(e -> assertThat(((ManifestFailure) e).failure()).isInstanceOf(TransientLoadException.class)
                        .hasMessageContaining("SHA-256"));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 64, 8192})
    void unscanned_inAnyChunkSize_dropsTheHeaderAndPassesTheBodyAsItIs(int chunk) throws IOException {
        PartStream stream = unscanned(CSV, 4, chunk);

        assertThat(readAll(stream, chunk)).isEqualTo(CSV.substring(CSV.indexOf('\n') + 1));
        stream.checkRows(4);
    }

    @Test
    void unscanned_whenTheLastRecordHasNoNewline_closesIt() throws IOException {
        assertThat(readAll(unscanned("\"id\",\"s\"\n\"1\",\"a\"", 1, 3), 3)).isEqualTo("\"1\",\"a\"\n");
    }

    @Test
    void unscanned_checksTheHeader_andTheReadersCountAgainstTheManifest() throws IOException {
        assertThatThrownBy(() -> readAll(unscanned("\"s\",\"id\"\n\"a\",\"1\"\n", 1, 100), 100))
                .isInstanceOf(ManifestFailure.class).hasMessageContaining("has the header 's,id'");
        PartStream stream = unscanned(CSV, 5, 100);
        readAll(stream, 100);

        assertThatThrownBy(() -> stream.checkRows(4)).isInstanceOf(ManifestFailure.class)
                .satisfies(e -> assertThat(((ManifestFailure) e).failure()).isInstanceOf(InvalidInputException.class)
                        .hasMessageContaining("has 4 rows, manifest says 5"));
    }

    private static PartStream unscanned(String csv, long rows, int chunk) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        ManifestPart part = new ManifestPart("data/t/p.csv", rows, bytes.length, sha256(bytes));
        return PartStream.unscanned(new StagedPart("manifests/m.json", MANIFEST, part), p -> trickle(bytes, chunk),
                COLUMNS);
    }

    private static PartStream stream(String csv, long rows, int chunk) {
        byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
        ManifestPart part = new ManifestPart("data/t/p.csv", rows, bytes.length, sha256(bytes));
        return new PartStream(new StagedPart("manifests/m.json", MANIFEST, part), p -> trickle(bytes, chunk), COLUMNS,
                ",\"x\"");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stream that returns at most {@code chunk} bytes per read, like a network stream. */
    private static InputStream trickle(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
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

package dev.sliceflow.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.csv.CsvFields;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-part loop the lake and PostgreSQL's binary COPY share: what reaches the sink, and what a failure names. */
class PartRowsTest {
    private static final List<Column> COLUMNS = List.of(Column.of("id", ColumnType.LONG),
            Column.of("s", ColumnType.STRING));
    private static final Manifest MANIFEST = new Manifest(1, "sync-1", Instant.parse("2026-01-01T00:00:00Z"),
            "synthetic", "111122223333", "us-east-1", 0, true, WriteMode.REPLACE, "a1", "test", Instant.EPOCH,
            CsvDialect.spec(Compression.NONE), List.of());
    private static final String CSV = "\"id\",\"s\"\n\"1\",\"a\"\n\"2\",\"b,\"\"c\"\"\"\n\"3\",\n";

    private static StagedPart part(String listed, long rows) {
        byte[] bytes = listed.getBytes(StandardCharsets.UTF_8);
        return new StagedPart("manifests/m.json", MANIFEST, new ManifestPart("data/t/p.csv", rows, bytes.length,
                sha256(bytes)));
    }

    /** The opener serves {@code stored}, which may differ from what the manifest lists. */
    private static long read(StagedPart part, String stored, PartRows.Sink sink) throws ManifestFailure {
        byte[] bytes = stored.getBytes(StandardCharsets.UTF_8);
        return PartRows.read(part, COLUMNS, p -> new ByteArrayInputStream(bytes),
                new CsvFields(new ByteArrayInputStream(new byte[0])), sink);
    }

    @Test
    void read_handsEveryRecordWithItsRowNumberAndReturnsTheCount() throws Exception {
        List<String> seen = new ArrayList<>();

        long rows = read(part(CSV, 3), CSV, (fields, row) -> seen.add(row + ":" + fields.text(0) + "|"
                + (fields.isNull(1) ? "NULL" : fields.text(1))));

        assertThat(rows).isEqualTo(3);
        assertThat(seen).containsExactly("1:1|a", "2:2|b,\"c\"", "3:3|NULL");
    }

    @Test
    void read_whenTheSinkRefusesAField_failsTheManifestNamingPartRowAndColumn() {
        assertThatThrownBy(() -> read(part(CSV, 3), CSV, (fields, row) -> {
            if (row == 2) {
                throw new PartRows.Refused(1, new IllegalArgumentException("too odd"));
            }
        })).isInstanceOfSatisfying(ManifestFailure.class, f -> {
            assertThat(f.manifestKey()).isEqualTo("manifests/m.json");
            assertThat(f.failure()).isInstanceOf(InvalidInputException.class).hasMessageContaining(
                    "table t: cannot load manifest manifests/m.json: part data/t/p.csv row 2 column s:")
                    .hasMessageContaining("is not a STRING (too odd)");
        });
    }

    @Test
    void read_whenARecordHasTheWrongWidth_failsTheManifestNamingTheRow() {
        String narrow = "\"id\",\"s\"\n\"1\",\"a\"\n\"2\"\n";
        assertThatThrownBy(() -> read(part(narrow, 2), narrow, (fields, row) -> { }))
                .isInstanceOfSatisfying(ManifestFailure.class, f -> assertThat(f.failure())
                        .hasMessageContaining("part data/t/p.csv row 2 has 1 fields, the manifest lists 2 columns"));
    }

    @Test
    void read_whenTheSinkThrowsOnAnIntactPart_passesItsExceptionOn() {
        IllegalStateException broken = new IllegalStateException("destination broke");

        assertThatThrownBy(() -> read(part(CSV, 3), CSV, (fields, row) -> {
            throw broken;
        })).isSameAs(broken);
    }

    @Test
    void read_whenTheSinkThrowsOnATamperedPart_reportsTheMismatchWithTheSinksExceptionKept() {
        // same length, other bytes: the checksum is known only at the end, after the sink has already thrown
        String tampered = CSV.replace("\"1\",\"a\"", "\"9\",\"z\"");
        IllegalStateException broken = new IllegalStateException("destination broke");

        assertThatThrownBy(() -> read(part(CSV, 3), tampered, (fields, row) -> {
            throw broken;
        })).isInstanceOfSatisfying(ManifestFailure.class, f -> {
            assertThat(f.manifestKey()).isEqualTo("manifests/m.json");
            assertThat(f.failure()).isInstanceOf(TransientLoadException.class).hasMessageContaining("data/t/p.csv");
            assertThat(f.getSuppressed()).containsExactly(broken);
        });
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

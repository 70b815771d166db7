package dev.sliceflow.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticTables;
import dev.sliceflow.staging.StagingException;
import dev.sliceflow.staging.Uploader;
import dev.sliceflow.testing.StagedParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's own logic with an in-memory uploader; the S3 path is covered by SliceSyncerTest. */
class CsvTableWriterTest {
    private static final TableSchema TABLE = SyntheticTables.RESOURCES;

    @TempDir
    Path dir;

    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private final AtomicInteger maxFilesSeen = new AtomicInteger();

    private final Uploader memory = new Uploader() {
        @Override
        public void upload(String key, Path file, String contentType) throws IOException {
            maxFilesSeen.accumulateAndGet(filesIn(dir), Math::max);
            stored.put(key, Files.readAllBytes(file));
        }

        @Override
        public void put(String key, byte[] content, String contentType) {
            stored.put(key, content);
        }
    };

    private static int filesIn(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return (int) files.filter(Files::isRegularFile).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static Object[] row(long i) {
        return SyntheticSourceFactory.row(TABLE, 3, "123456789012", "us-east-1", i);
    }

    @Test
    void finish_whenManyParts_returnsThemInOrderWithEveryRowOnceAndNoFilesLeft() {
        CsvTableWriter writer = new CsvTableWriter(TABLE, new CsvOptions(Compression.GZIP, 1, 16L << 10),
                n -> "part-" + n, memory, dir.resolve("w"));
        for (long i = 0; i < 5000; i++) {
            writer.add(row(i));
        }
        List<ManifestPart> parts = writer.finish();

        assertThat(parts).extracting(ManifestPart::key).startsWith("part-0", "part-1", "part-2");
        long i = 0;
        for (ManifestPart part : parts) {
            byte[] bytes = stored.get(part.key());
            assertThat(part.sha256()).isEqualTo(StagedParts.sha256(bytes));
            assertThat(part.bytes()).isEqualTo(bytes.length);
            for (Object[] read : StagedParts.rows(TABLE, bytes, true)) {
                assertThat(read).containsExactly(row(i++));
            }
        }
        assertThat(i).isEqualTo(5000);
        assertThat(maxFilesSeen.get()).as("part files on disk at once").isLessThanOrEqualTo(2);
        assertThat(dir.resolve("w")).doesNotExist();
    }

    @Test
    void finish_whenNoRows_returnsNoParts() {
        CsvTableWriter writer = new CsvTableWriter(TABLE, CsvOptions.defaults(), n -> "p" + n, memory, dir.resolve("w"));
        assertThat(writer.finish()).isEmpty();
        assertThat(stored).isEmpty();
    }

    @Test
    void add_whenAnUploadFailed_throwsStagingExceptionAndAbortLeavesNoFiles() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        Uploader failing = new Uploader() {
            @Override
            public void upload(String key, Path file, String contentType) throws IOException {
                failed.countDown();
                throw new IOException("disk says no");
            }

            @Override
            public void put(String key, byte[] content, String contentType) {
            }
        };
        CsvTableWriter writer = new CsvTableWriter(TABLE, new CsvOptions(Compression.NONE, null, 4L << 10),
                n -> "p" + n, failing, dir.resolve("w"));
        assertThatThrownBy(() -> {
            for (long i = 0; i < 1_000_000; i++) {
                writer.add(row(i));
                if (i == 100) {
                    failed.await();
                }
            }
        }).isInstanceOf(StagingException.class).hasMessageContaining("disk says no");
        writer.abort();
        assertThat(dir.resolve("w")).doesNotExist();
    }

    @Test
    void abort_whenMidPart_discardsEverythingAndCanBeCalledTwice() {
        CsvTableWriter writer = new CsvTableWriter(TABLE, CsvOptions.defaults(), n -> "p" + n, memory, dir.resolve("w"));
        for (long i = 0; i < 1000; i++) {
            writer.add(row(i));
        }
        writer.abort();
        writer.abort();
        assertThat(stored).isEmpty();
        assertThat(dir.resolve("w")).doesNotExist();
        assertThatThrownBy(writer::finish).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void add_whenAValueHasTheWrongJavaClass_failsNamingTheType() {
        CsvTableWriter writer = new CsvTableWriter(TABLE, CsvOptions.defaults(), n -> "p" + n, memory, dir.resolve("w"));
        Object[] bad = row(0);
        bad[6] = "not a long";
        assertThatThrownBy(() -> writer.add(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a LONG column cannot hold a String");
        writer.abort();
    }
}

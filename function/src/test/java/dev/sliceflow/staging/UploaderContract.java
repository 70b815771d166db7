package dev.sliceflow.staging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link Uploader} promises: stored bytes are the file's bytes, and failure is a StagingException. */
public abstract class UploaderContract {
    @TempDir
    protected Path dir;

    protected abstract Uploader uploader();

    /** An uploader whose every call fails (e.g. a bucket that does not exist). */
    protected abstract Uploader brokenUploader();

    /** The bytes stored under {@code key}. */
    protected abstract byte[] read(String key);

    /** Size above which this uploader switches to its large-object path (multipart for S3). */
    protected abstract long largeObjectThreshold();

    private Path file(String name, int size) throws Exception {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void upload_whenSmall_storesTheFileByteForByte() throws Exception {
        Path file = file("small.csv.gz", 10_000);
        uploader().upload("data/t/part-a-0.csv.gz", file, "application/gzip");
        assertThat(read("data/t/part-a-0.csv.gz")).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void upload_whenLargerThanTheLargeObjectThreshold_storesTheFileByteForByte() throws Exception {
        Path file = file("large.csv.gz", (int) (largeObjectThreshold() * 2 + 12_345));
        uploader().upload("data/t/part-a-1.csv.gz", file, "application/gzip");
        assertThat(read("data/t/part-a-1.csv.gz")).isEqualTo(Files.readAllBytes(file));
    }

    @Test
    void upload_whenEmptyFile_storesAnEmptyObject() throws Exception {
        Path file = file("empty.csv", 0);
        uploader().upload("data/t/empty.csv", file, "text/csv");
        assertThat(read("data/t/empty.csv")).isEmpty();
    }

    @Test
    void put_whenSmallContent_isStoredAndOverwritable() {
        uploader().put("manifests/x/manifest-0.json", "{\"a\":1}".getBytes(), "application/json");
        uploader().put("manifests/x/manifest-0.json", "{\"a\":2}".getBytes(), "application/json");
        assertThat(new String(read("manifests/x/manifest-0.json"))).isEqualTo("{\"a\":2}");
    }

    @Test
    void upload_whenTheStoreRefuses_throwsStagingExceptionNamingTheKey() throws Exception {
        Path file = file("f.csv", 100);
        assertThatThrownBy(() -> brokenUploader().upload("data/t/part-b-0.csv", file, "text/csv"))
                .isInstanceOf(StagingException.class).hasMessageContaining("data/t/part-b-0.csv");
        assertThatThrownBy(() -> brokenUploader().put("manifests/m.json", new byte[1], "application/json"))
                .isInstanceOf(StagingException.class).hasMessageContaining("manifests/m.json");
    }
}

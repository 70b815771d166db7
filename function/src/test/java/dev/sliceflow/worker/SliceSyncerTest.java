package dev.sliceflow.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticTables;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.staging.S3Uploader;
import dev.sliceflow.staging.StagingException;
import dev.sliceflow.staging.Uploader;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.StagedParts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

class SliceSyncerTest {
    private static final ExecutorService CHUNKS = Executors.newFixedThreadPool(4);
    private static final long SEED = 7;

    private final LocalS3 s3 = LocalS3.get();
    private final S3Client client = s3.client();
    private final String bucket = s3.newBucket();

    @TempDir
    Path workDir;

    @AfterAll
    static void stop() {
        CHUNKS.shutdownNow();
    }

    private S3Uploader uploader() {
        return new S3Uploader(client, bucket, S3Uploader.DEFAULT_THRESHOLD, S3Uploader.DEFAULT_CHUNK, CHUNKS);
    }

    private static SliceSyncer syncer(Uploader uploader) {
        return new SliceSyncer(new SourceRegistry(List.of(new SyntheticSourceFactory())), uploader, Clock.systemUTC());
    }

    private static SyncRequest request(Map<String, String> options, CsvOptions csv) {
        return new SyncRequest(1, "sync-1", Instant.parse("2026-11-25T09:00:00Z"),
                new SourceSpec("synthetic", options), "123456789012", "eu-west-1", null, null, WriteMode.REPLACE,
                csv, 0);
    }

    private Manifest manifestAt(String key) {
        return ManifestCodec.parse(key, StagedParts.bytes(client, bucket, key));
    }

    @Test
    void sync_whenEveryTypeAndNastyValue_partsReadBackEqualToTheSource() {
        SyncRequest request = request(Map.of("rowsPerTable", "600", "seed", Long.toString(SEED)), CsvOptions.defaults());

        SliceResult result = syncer(uploader()).sync(request, "attempt1", workDir, Deadline.none());

        Manifest manifest = manifestAt(result.manifestKey());
        assertThat(manifest.tables()).extracting(ManifestTable::name)
                .containsExactly("synthetic_types", "synthetic_resources", "synthetic_events");
        for (ManifestTable table : manifest.tables()) {
            assertThat(table.status()).isEqualTo(TableStatus.OK);
            List<Object[]> rows = StagedParts.rows(client, bucket, table.schema(), table.parts());
            assertThat(rows).hasSize(600);
            for (int i = 0; i < rows.size(); i++) {
                Object[] expected = SyntheticSourceFactory.row(table.schema(), SEED, "123456789012", "eu-west-1", i);
                assertThat(rows.get(i)).as("%s row %d", table.name(), i).containsExactly(expected);
            }
        }
        // The hard values really were in there: NULL and "" in the same column, CRLF, emoji, NaN.
        List<Object> texts = StagedParts.rows(client, bucket, SyntheticTables.TYPES,
                manifest.tables().get(0).parts()).stream().map(r -> r[3]).toList();
        assertThat(texts).contains(null, "", "crlf\r\nend", "emoji \uD83D\uDE00 and clef \uD834\uDD1E");
    }

    @Test
    void sync_whenCommitted_manifestDescribesEveryObjectExactly() {
        SyncRequest request = request(Map.of("rowsPerTable", "3000"), new CsvOptions(Compression.GZIP, 1, 64L << 10));

        SliceResult result = syncer(uploader()).sync(request, "attempt1", workDir, Deadline.none());

        Manifest manifest = manifestAt(result.manifestKey());
        assertThat(result.manifestKey())
                .isEqualTo("manifests/sync_id=sync-1/account=123456789012/region=eu-west-1/manifest-0.json");
        assertThat(manifest.last()).isTrue();
        assertThat(manifest.dialect().compression()).isEqualTo(Compression.GZIP);
        for (ManifestTable table : manifest.tables()) {
            assertThat(table.rows()).isEqualTo(3000);
            for (ManifestPart part : table.parts()) {
                byte[] stored = StagedParts.bytes(client, bucket, part.key());
                assertThat(part.key()).startsWith("data/" + table.name()
                        + "/sync_date=2026-11-25/sync_id=sync-1/account=123456789012/region=eu-west-1/part-attempt1-");
                assertThat(client.headObject(b -> b.bucket(bucket).key(part.key())).contentLength())
                        .isEqualTo(part.bytes()).isEqualTo(stored.length);
                assertThat(part.sha256()).isEqualTo(StagedParts.sha256(stored));
                assertThat((long) StagedParts.rows(table.schema(), stored, true).size()).isEqualTo(part.rows());
            }
        }
        // 64 KiB parts: the wide tables rotate into several parts.
        assertThat(manifest.tables().get(1).parts()).hasSizeGreaterThan(3);
    }

    @Test
    void sync_whenPartsRotate_eachPartStaysWithinTheSizeBoundPlusOneRow() {
        long partSize = 32L << 10;
        SyncRequest request = request(Map.of("rowsPerTable", "2000"), new CsvOptions(Compression.NONE, null, partSize));

        Manifest manifest = syncer(uploader()).sync(request, "a1", workDir, Deadline.none()).manifest();

        for (ManifestTable table : manifest.tables()) {
            assertThat(table.parts()).hasSizeGreaterThan(1);
            for (ManifestPart part : table.parts()) {
                assertThat(part.bytes()).isLessThan(partSize + 4096);
                assertThat(part.key()).endsWith(".csv");
            }
        }
    }

    @Test
    void sync_whenPartIsLargerThanTheMultipartThreshold_uploadsInPartsAndReadsBackWhole() {
        S3Uploader multipart = new S3Uploader(client, bucket, 5L << 20, 5L << 20, CHUNKS);
        SyncRequest request = request(Map.of("rowsPerTable", "0", "rows.synthetic_resources", "60000"),
                new CsvOptions(Compression.NONE, null, 64L << 20));

        Manifest manifest = syncer(multipart).sync(request, "a1", workDir, Deadline.none()).manifest();

        ManifestTable resources = manifest.tables().get(1);
        assertThat(resources.parts()).hasSize(1);
        ManifestPart part = resources.parts().get(0);
        assertThat(part.bytes()).isGreaterThan(10L << 20);
        byte[] stored = StagedParts.bytes(client, bucket, part.key());
        assertThat(StagedParts.sha256(stored)).isEqualTo(part.sha256());
        List<Object[]> rows = StagedParts.rows(resources.schema(), stored, false);
        assertThat(rows).hasSize(60000);
        assertThat(rows.get(59999)).containsExactly(
                SyntheticSourceFactory.row(resources.schema(), 1, "123456789012", "eu-west-1", 59999));
    }

    @Test
    void sync_whenAnUploadFailsMidSlice_writesNoManifestAndTheNextAttemptCommitsAll() throws IOException {
        AtomicInteger uploads = new AtomicInteger();
        S3Uploader real = uploader();
        Uploader failingThird = new Uploader() {
            @Override
            public void upload(String key, Path file, String contentType) throws IOException {
                if (uploads.incrementAndGet() == 3) {
                    throw new StagingException("injected: S3 said 503 SlowDown", new IOException("503"));
                }
                real.upload(key, file, contentType);
            }

            @Override
            public void put(String key, byte[] content, String contentType) {
                real.put(key, content, contentType);
            }
        };
        SyncRequest request = request(Map.of("rowsPerTable", "2000"), new CsvOptions(Compression.GZIP, 1, 32L << 10));

        assertThatThrownBy(() -> syncer(failingThird).sync(request, "first", workDir, Deadline.none()))
                .isInstanceOf(StagingException.class).hasMessageContaining("injected");
        String manifestKey = ObjectLayout.manifestKey("sync-1", "123456789012", "eu-west-1", 0);
        assertThatThrownBy(() -> client.headObject(b -> b.bucket(bucket).key(manifestKey)))
                .isInstanceOf(NoSuchKeyException.class);
        try (var files = Files.walk(workDir)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }

        Manifest manifest = syncer(real).sync(request, "second", workDir, Deadline.none()).manifest();

        assertThat(manifest.tables()).allSatisfy(t -> {
            assertThat(t.status()).isEqualTo(TableStatus.OK);
            assertThat(t.rows()).isEqualTo(2000);
            assertThat(t.parts()).allSatisfy(p -> assertThat(p.key()).contains("/part-second-"));
        });
    }

    @Test
    void sync_whenOneTableFails_theOthersCommitAndTheManifestRecordsTheError() {
        SyncRequest request = request(Map.of("rowsPerTable", "500", "failTables", "synthetic_resources"),
                CsvOptions.defaults());

        Manifest manifest = syncer(uploader()).sync(request, "a1", workDir, Deadline.none()).manifest();

        assertThat(manifest.tables()).extracting(ManifestTable::name, ManifestTable::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("synthetic_types", TableStatus.OK),
                org.assertj.core.groups.Tuple.tuple("synthetic_resources", TableStatus.FAILED),
                org.assertj.core.groups.Tuple.tuple("synthetic_events", TableStatus.OK));
        ManifestTable failed = manifest.tables().get(1);
        assertThat(failed.error()).contains("synthetic failure of table synthetic_resources after 250 rows");
        assertThat(failed.parts()).isEmpty();
        assertThat(failed.schema()).isEqualTo(SyntheticTables.RESOURCES);
    }

    @Test
    void sync_whenTheDeadlineComesAfterTheFirstTable_commitsItAndReturnsAContinuationForTheRest() {
        AtomicInteger manifestsOrParts = new AtomicInteger();
        S3Uploader real = uploader();
        Uploader counting = new Uploader() {
            @Override
            public void upload(String key, Path file, String contentType) throws IOException {
                manifestsOrParts.incrementAndGet();
                real.upload(key, file, contentType);
            }

            @Override
            public void put(String key, byte[] content, String contentType) {
                real.put(key, content, contentType);
            }
        };
        Deadline afterFirstPart = () -> manifestsOrParts.get() > 0;
        SyncRequest request = request(Map.of("rowsPerTable", "100"), CsvOptions.defaults());

        SliceResult first = syncer(counting).sync(request, "a1", workDir, afterFirstPart);

        assertThat(first.manifest().tables()).extracting(ManifestTable::name).containsExactly("synthetic_types");
        assertThat(first.manifest().last()).isFalse();
        SyncRequest next = first.continuation().orElseThrow();
        assertThat(next.seq()).isEqualTo(1);
        assertThat(next.tables()).containsExactly("synthetic_resources", "synthetic_events");

        SliceResult second = syncer(real).sync(next, "a2", workDir, Deadline.none());

        assertThat(second.manifestKey()).endsWith("/manifest-1.json");
        assertThat(second.manifest().last()).isTrue();
        assertThat(second.manifest().tables()).extracting(ManifestTable::name)
                .containsExactly("synthetic_resources", "synthetic_events");
        assertThat(second.continuation()).isEmpty();
    }

    @Test
    void sync_whenATablePatternMatchesNothing_failsAsInvalidInputNamingIt() {
        SyncRequest request = new SyncRequest(1, "sync-1", Instant.now(), SourceSpec.of("synthetic"), "123456789012",
                "eu-west-1", List.of("synthetic_nope*"), null, null, null, null);

        assertThatThrownBy(() -> syncer(uploader()).sync(request, "a1", workDir, Deadline.none()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'synthetic_nope*' matches no table")
                .hasMessageContaining("synthetic_types");
    }

    @Test
    void schemas_whenSynthetic_coverEveryColumnType() {
        assertThat(SyntheticTables.TYPES.columns()).extracting(c -> c.type())
                .containsAll(List.of(dev.sliceflow.schema.ColumnType.values()));
        assertThat(SyntheticTables.ALL).extracting(TableSchema::name).doesNotHaveDuplicates();
    }
}

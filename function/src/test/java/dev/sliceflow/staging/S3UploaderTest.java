package dev.sliceflow.staging;

import dev.sliceflow.testing.LocalS3;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;

/** S3Uploader against a real S3 API (s3proxy): PutObject and multipart with 5 MiB parts. */
class S3UploaderTest extends UploaderContract {
    private static final ExecutorService CHUNKS = Executors.newFixedThreadPool(3);
    private static final long THRESHOLD = 5L << 20;

    private final LocalS3 s3 = LocalS3.get();
    private final String bucket = s3.newBucket();

    @AfterAll
    static void stop() {
        CHUNKS.shutdownNow();
    }

    @Override
    protected Uploader uploader() {
        return new S3Uploader(s3.client(), bucket, THRESHOLD, THRESHOLD, CHUNKS);
    }

    @Override
    protected Uploader brokenUploader() {
        return new S3Uploader(s3.client(), "missing-" + bucket, THRESHOLD, THRESHOLD, CHUNKS);
    }

    @Override
    protected byte[] read(String key) {
        return s3.client().getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Override
    protected long largeObjectThreshold() {
        return THRESHOLD;
    }
}

package dev.sliceflow.staging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * Uploads to one bucket: a single PutObject up to {@code multipartThreshold}, else a multipart upload whose parts
 * go up in parallel, each read from its file range on every try (so SDK retries resend the right bytes without
 * buffering them in memory). A failed multipart upload is aborted, so no orphan parts are billed.
 */
public final class S3Uploader implements Uploader {
    /** S3's minimum part size is 5 MiB; 8 MiB parts keep 10,000 parts above 78 GiB. */
    public static final long DEFAULT_CHUNK = 8L << 20;
    public static final long DEFAULT_THRESHOLD = 16L << 20;

    private final S3Client s3;
    private final String bucket;
    private final long multipartThreshold;
    private final long chunkSize;
    private final ExecutorService chunkUploads;

    /**
     * @param chunkUploads runs the parts of a multipart upload; its size bounds the parallelism
     */
    public S3Uploader(S3Client s3, String bucket, long multipartThreshold, long chunkSize, ExecutorService chunkUploads) {
        this.s3 = s3;
        this.bucket = bucket;
        this.multipartThreshold = multipartThreshold;
        this.chunkSize = chunkSize;
        this.chunkUploads = chunkUploads;
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public void upload(String key, Path file, String contentType) throws IOException {
        long size = Files.size(file);
        try {
            if (size <= multipartThreshold) {
                s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                        RequestBody.fromContentProvider(() -> open(file, 0, size), size, contentType));
            } else {
                multipart(key, file, size, contentType);
            }
        } catch (SdkException e) {
            throw new StagingException("cannot upload s3://" + bucket + "/" + key + " (" + size + " bytes): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void put(String key, byte[] content, String contentType) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(content));
        } catch (SdkException e) {
            throw new StagingException("cannot write s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    private void multipart(String key, Path file, long size, String contentType) throws IOException {
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        try {
            List<Future<CompletedPart>> futures = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += chunkSize, partNumber++) {
                long length = Math.min(chunkSize, size - offset);
                long start = offset;
                int number = partNumber;
                futures.add(chunkUploads.submit(() -> {
                    String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                                    .contentLength(length),
                            RequestBody.fromContentProvider(() -> open(file, start, length), length, contentType)).eTag();
                    return CompletedPart.builder().partNumber(number).eTag(etag).build();
                }));
            }
            List<CompletedPart> parts = new ArrayList<>(futures.size());
            for (Future<CompletedPart> future : futures) {
                parts.add(future.get());
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort(key, uploadId);
            throw new StagingException("interrupted while uploading s3://" + bucket + "/" + key, e);
        } catch (ExecutionException e) {
            abort(key, uploadId);
            throw new StagingException("cannot upload a part of s3://" + bucket + "/" + key + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (RuntimeException e) {
            abort(key, uploadId);
            throw e;
        }
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException ignored) {
            // Best effort: the bucket's lifecycle rule aborts incomplete uploads too.
        }
    }

    private static InputStream open(Path file, long offset, long length) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            channel.position(offset);
            return new BoundedInputStream(Channels.newInputStream(channel), length);
        } catch (IOException e) {
            throw new StagingException("cannot read " + file, e);
        }
    }

    /** Reads at most {@code remaining} bytes, then end of stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedInputStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}

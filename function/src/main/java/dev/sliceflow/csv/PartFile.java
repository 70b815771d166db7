package dev.sliceflow.csv;

import dev.sliceflow.request.Compression;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/** One part being written to local disk: (compression) -> SHA-256 and byte count of what is stored -> file. */
final class PartFile {
    private final Path path;
    private final MessageDigest sha256;
    private final CountingDigestStream stored;
    private final OutputStream out;

    PartFile(Path path, Compression compression, int gzipLevel) throws IOException {
        this.path = path;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        this.stored = new CountingDigestStream(new BufferedOutputStream(Files.newOutputStream(path), 1 << 16), sha256);
        this.out = compression == Compression.GZIP ? new LeveledGzipStream(stored, gzipLevel) : stored;
    }

    void write(byte[] data, int length) throws IOException {
        out.write(data, 0, length);
    }

    /** Closes the file; afterwards {@link #bytes()} and {@link #sha256()} describe it. */
    void close() throws IOException {
        out.close();
    }

    Path path() {
        return path;
    }

    long bytes() {
        return stored.count;
    }

    String sha256() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static final class LeveledGzipStream extends GZIPOutputStream {
        LeveledGzipStream(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } finally {
                def.end();
            }
        }
    }

    private static final class CountingDigestStream extends FilterOutputStream {
        private final MessageDigest digest;
        private long count;

        CountingDigestStream(OutputStream out, MessageDigest digest) {
            super(out);
            this.digest = digest;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            digest.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            digest.update(b, off, len);
            count += len;
        }
    }

}

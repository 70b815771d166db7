package dev.sliceflow.destination;

import dev.sliceflow.manifest.ManifestPart;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Passes a part's stored bytes through while counting them and hashing them with SHA-256, so a part is verified as it
 * streams, without a second read. {@link #verify()} drains what the consumer left unread and then compares size and
 * checksum with the manifest.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final ManifestPart part;
    private final MessageDigest digest;
    private long count;

    public VerifyingInputStream(InputStream in, ManifestPart part) {
        super(in);
        this.part = part;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            digest.update(buffer, offset, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int read = read(buffer, 0, buffer.length);
        return Math.max(read, 0);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /**
     * Reads to the end, then checks size and checksum.
     *
     * @throws TransientLoadException naming the part and the mismatch
     */
    public void verify() throws IOException {
        byte[] buffer = new byte[8192];
        while (read(buffer, 0, buffer.length) >= 0) {
            // drain: the checksum covers every stored byte
        }
        if (count != part.bytes()) {
            throw new TransientLoadException("part " + part.key() + " has " + count + " bytes, manifest says "
                    + part.bytes());
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(part.sha256())) {
            throw new TransientLoadException("part " + part.key() + " has SHA-256 " + actual + ", manifest says "
                    + part.sha256());
        }
    }
}

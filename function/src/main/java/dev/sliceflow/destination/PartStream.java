package dev.sliceflow.destination;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.Compression;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * One part as a bulk load reads it: the stored bytes verified (size and SHA-256, as they stream), decompressed, the
 * header checked against the manifest's columns and dropped, and every data record extended with constant fields (for
 * DuckDB, the index of its manifest's metadata values), so that many parts of many manifests can be concatenated into
 * one file list.
 * At the end of the part its row count is checked against the manifest.
 *
 * <p>Records end with an unquoted {@code \n}; a {@code "} toggles the quoted state (a doubled quote toggles twice), so
 * CR, LF and commas inside quoted fields are left alone. Works on bytes: {@code "} and {@code \n} never occur inside a
 * multi-byte UTF-8 sequence. Every failure is a {@link ManifestFailure} naming the manifest.
 */
public final class PartStream extends InputStream {
    private static final int BUFFER = 64 * 1024;

    private final StagedPart staged;
    private final PartOpener opener;
    private final List<String> columns;
    private final byte[] suffix;
    private final byte[] buffer = new byte[BUFFER];
    private InputStream in;
    private VerifyingInputStream verifying;
    private int position;
    private int limit;
    private boolean quoted;
    private boolean inHeader = true;
    private final java.io.ByteArrayOutputStream header = new java.io.ByteArrayOutputStream();
    private boolean atRecordStart = true;
    private boolean pendingSuffix;
    private int suffixPosition;
    private boolean eof;
    private boolean done;
    private long records;
    /** False for a reader that splits records itself ({@link #unscanned}): the body passes through as it is. */
    private final boolean scanRecords;

    /**
     * @param columns      the manifest's columns, in CSV order: the header must name exactly these
     * @param recordSuffix appended before each data record's newline, e.g. {@code ,"sync-1","2026-..."}
     */
    public PartStream(StagedPart staged, PartOpener opener, List<String> columns, String recordSuffix) {
        this(staged, opener, columns, recordSuffix, true);
    }

    private PartStream(StagedPart staged, PartOpener opener, List<String> columns, String recordSuffix,
                       boolean scanRecords) {
        this.scanRecords = scanRecords;
        this.staged = staged;
        this.opener = opener;
        this.columns = List.copyOf(columns);
        byte[] s = recordSuffix.getBytes(StandardCharsets.UTF_8);
        this.suffix = new byte[s.length + 1];
        System.arraycopy(s, 0, suffix, 0, s.length);
        suffix[s.length] = '\n';
    }

    /**
     * For a reader that splits the records itself (and so counts them): the part verified, decompressed and its
     * header checked as usual, but its body passed through without a second scan for record ends (ended with a
     * newline if the last record has none). The reader checks its count with {@link #checkRows} at the end.
     */
    public static PartStream unscanned(StagedPart staged, PartOpener opener, List<String> columns) {
        return new PartStream(staged, opener, columns, "", false);
    }

    /**
     * For a destination that reads the stored bytes itself: copies them, as stored, to {@code target}, verifying their
     * size and SHA-256, then checks the header (decompressing only the first bytes) against {@code columns}. The
     * records are not read: their count and width are the destination's to check. Failures as for a stream.
     */
    public static void copyStored(StagedPart staged, PartOpener opener, List<String> columns, java.nio.file.Path target)
            throws ManifestFailure {
        PartStream stored = new PartStream(staged, opener, columns, "", false);
        try {
            try (VerifyingInputStream in = new VerifyingInputStream(opener.open(staged.part()), staged.part());
                 java.io.OutputStream out = java.nio.file.Files.newOutputStream(target)) {
                in.transferTo(out);
                in.verify();
            }
        } catch (ManifestFailure failure) {
            throw failure;
        } catch (TransientLoadException e) {
            throw stored.fail(e);
        } catch (IOException | RuntimeException e) {
            throw stored.fail(new TransientLoadException("cannot read part " + staged.part().key() + ": "
                    + e.getMessage(), e));
        }
        PartStream header = unscanned(staged, part -> java.nio.file.Files.newInputStream(target), columns);
        try (header) {
            header.read();
        } catch (ManifestFailure failure) {
            throw failure;
        } catch (IOException e) {
            throw header.fail(new TransientLoadException("cannot read part " + staged.part().key() + ": "
                    + e.getMessage(), e));
        }
    }

    /** For {@link #unscanned} streams, once read to the end: fails the manifest unless the part had {@code rows} rows. */
    public void checkRows(long rows) throws ManifestFailure {
        if (rows != staged.part().rows()) {
            throw fail(new InvalidInputException("part " + staged.part().key() + " has " + rows + " rows, manifest says "
                    + staged.part().rows()));
        }
    }

    private void open() throws ManifestFailure {
        try {
            InputStream raw = opener.open(staged.part());
            verifying = new VerifyingInputStream(new BufferedInputStream(raw, BUFFER), staged.part());
        } catch (TransientLoadException e) {
            throw fail(e);
        } catch (IOException | RuntimeException e) {
            throw fail(new TransientLoadException("cannot read part " + staged.part().key() + ": " + e.getMessage(), e));
        }
        try {
            in = staged.manifest().dialect().compression() == Compression.GZIP
                    ? new GZIPInputStream(verifying, BUFFER) : verifying;
        } catch (IOException e) {
            // not gzip at all: if the stored bytes are not what the manifest lists, say that
            throw fail(mismatchOr(new TransientLoadException("cannot read part " + staged.part().key() + ": "
                    + e.getMessage(), e)));
        } catch (TransientLoadException e) {
            throw fail(e);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] out, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (done) {
            return -1;
        }
        if (in == null) {
            open();
        }
        int written = 0;
        while (written < length) {
            if (pendingSuffix) {
                int n = Math.min(length - written, suffix.length - suffixPosition);
                System.arraycopy(suffix, suffixPosition, out, offset + written, n);
                suffixPosition += n;
                written += n;
                if (suffixPosition == suffix.length) {
                    pendingSuffix = false;
                }
                continue;
            }
            if (position == limit) {
                if (eof) {
                    break;
                }
                if (written > 0) {
                    break;
                }
                int n = fill();
                if (n < 0) {
                    eof = true;
                    if (!atRecordStart && !inHeader) {
                        // a last record without its newline: close it
                        endRecord();
                        continue;
                    }
                    break;
                }
                continue;
            }
            if (inHeader) {
                scanHeader();
                continue;
            }
            int start = position;
            int end = Math.min(limit, position + (length - written));
            if (!scanRecords) {
                int n = end - start;
                System.arraycopy(buffer, start, out, offset + written, n);
                written += n;
                position = end;
                atRecordStart = buffer[end - 1] == '\n';
                continue;
            }
            boolean newline = false;
            // locals, not fields, in the per-byte loop: it runs over every byte of every part
            byte[] b = buffer;
            boolean inQuotes = quoted;
            int p = start;
            while (p < end) {
                byte c = b[p];
                if (c == '"') {
                    inQuotes = !inQuotes;
                } else if (c == '\n' && !inQuotes) {
                    newline = true;
                    break;
                }
                p++;
            }
            position = p;
            quoted = inQuotes;
            int n = position - start;
            System.arraycopy(buffer, start, out, offset + written, n);
            written += n;
            if (n > 0) {
                atRecordStart = false;
            }
            if (newline) {
                position++;
                endRecord();
            }
        }
        if (written == 0 && eof && !pendingSuffix) {
            finish();
            return -1;
        }
        return written;
    }

    private int fill() throws ManifestFailure {
        try {
            int n = in.read(buffer, 0, buffer.length);
            if (n > 0) {
                position = 0;
                limit = n;
            }
            return n;
        } catch (IOException e) {
            // corrupt gzip or a broken stream: if the stored bytes are not what the manifest lists, say that
            throw fail(mismatchOr(new TransientLoadException("cannot read part " + staged.part().key() + ": "
                    + e.getMessage(), e)));
        }
    }

    private void endRecord() {
        records++;
        pendingSuffix = true;
        suffixPosition = 0;
        atRecordStart = true;
    }

    private void scanHeader() throws ManifestFailure {
        while (position < limit) {
            byte b = buffer[position++];
            if (b == '"') {
                quoted = !quoted;
            } else if (b == '\n' && !quoted) {
                inHeader = false;
                checkHeader();
                return;
            }
            header.write(b);
            if (header.size() > 1 << 20) {
                throw fail(new InvalidInputException("part " + staged.part().key() + ": no header line in its first MiB"));
            }
        }
    }

    private void checkHeader() throws ManifestFailure {
        List<String> names = new ArrayList<>();
        StringBuilder name = new StringBuilder();
        boolean inQuotes = false;
        String line = header.toString(StandardCharsets.UTF_8);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (ch == '"') {
                if (inQuotes && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    name.append('"');
                    i++;
                } else {
                    inQuotes = !inQuotes;
                }
            } else if (ch == ',' && !inQuotes) {
                names.add(name.toString());
                name.setLength(0);
            } else {
                name.append(ch);
            }
        }
        names.add(name.toString());
        if (!names.equals(columns)) {
            throw fail(new InvalidInputException("part " + staged.part().key()
                    + " has the header " + Identifiers.printable(String.join(",", names)) + ", but the manifest lists"
                    + " the columns " + String.join(",", columns) + " (names and order must match)"));
        }
    }

    /** At the end of the stored bytes: size and checksum first (a mismatch explains everything else), then rows. */
    private void finish() throws ManifestFailure {
        if (done) {
            return;
        }
        done = true;
        if (inHeader) {
            try {
                verifying.verify();
            } catch (IOException | TransientLoadException e) {
                throw fail(asRuntime(e));
            }
            throw fail(new InvalidInputException("part " + staged.part().key() + " has no header line"));
        }
        try {
            verifying.verify();
        } catch (IOException | TransientLoadException e) {
            throw fail(asRuntime(e));
        }
        if (scanRecords && records != staged.part().rows()) {
            throw fail(new InvalidInputException("part " + staged.part().key() + " has " + records + " rows, manifest says " + staged.part().rows()));
        }
    }

    /**
     * After the destination refused what this part streamed (most likely not the bytes the manifest lists): the
     * part's size/checksum mismatch if there is one, as a {@link ManifestFailure}; else null.
     */
    public ManifestFailure mismatch() {
        if (verifying == null || done) {
            return null;
        }
        try {
            verifying.verify();
            return null;
        } catch (TransientLoadException mismatch) {
            return new ManifestFailure(staged.manifestKey(), mismatch);
        } catch (IOException e) {
            return null;
        }
    }

    private RuntimeException mismatchOr(RuntimeException failure) {
        try {
            verifying.verify();
        } catch (TransientLoadException mismatch) {
            mismatch.addSuppressed(failure);
            return mismatch;
        } catch (IOException | RuntimeException unreadable) {
            failure.addSuppressed(unreadable);
        }
        return failure;
    }

    private static RuntimeException asRuntime(Exception e) {
        return e instanceof RuntimeException r ? r : new TransientLoadException(e.getMessage(), e);
    }

    /** The failure, its message naming the manifest. */
    private ManifestFailure fail(RuntimeException e) {
        done = true;
        String prefix = "cannot load manifest " + staged.manifestKey() + ": ";
        RuntimeException named = e;
        if (e.getMessage() == null || !e.getMessage().contains(staged.manifestKey())) {
            named = e instanceof InvalidInputException
                    ? new InvalidInputException(prefix + e.getMessage(), e)
                    : new TransientLoadException(prefix + e.getMessage(), e);
        }
        return new ManifestFailure(staged.manifestKey(), named);
    }

    @Override
    public void close() throws IOException {
        if (in != null) {
            in.close();
        }
    }
}

package dev.sliceflow.warehouse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Appends constant fields to every record of a CSV stream in sliceflow's dialect: the header gets the metadata
 * column names, every data record gets their (quoted) values. Records end with an unquoted {@code \n}; a {@code "}
 * toggles the quoted state (a doubled quote toggles twice), so CR, LF and commas inside quoted fields are left
 * alone. Works on bytes: {@code "} and {@code \n} never occur inside a multi-byte UTF-8 sequence.
 *
 * <p>This lets PostgreSQL's COPY write the target table directly, metadata included, instead of through a staging
 * table.
 */
final class MetadataColumnsInputStream extends InputStream {
    private final InputStream in;
    private final byte[] headerSuffix;
    private final byte[] recordSuffix;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] pending;
    private int pendingPosition;
    private boolean quoted;
    private boolean header = true;
    private boolean atRecordStart = true;
    private boolean eof;

    MetadataColumnsInputStream(InputStream in, String headerSuffix, String recordSuffix) {
        this.in = in;
        this.headerSuffix = headerSuffix.getBytes(StandardCharsets.UTF_8);
        this.recordSuffix = recordSuffix.getBytes(StandardCharsets.UTF_8);
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
        int written = 0;
        while (written < length) {
            if (pending != null) {
                int n = Math.min(length - written, pending.length - pendingPosition);
                System.arraycopy(pending, pendingPosition, out, offset + written, n);
                pendingPosition += n;
                written += n;
                if (pendingPosition == pending.length) {
                    pending = null;
                }
                continue;
            }
            if (position == limit) {
                if (eof || written > 0) {
                    break;
                }
                int n = in.read(buffer, 0, buffer.length);
                if (n < 0) {
                    eof = true;
                    if (!atRecordStart) {
                        // a last record without its newline: close it
                        pending = suffix();
                        pendingPosition = 0;
                        atRecordStart = true;
                        continue;
                    }
                    break;
                }
                position = 0;
                limit = n;
            }
            // copy up to the next unquoted newline, or as much as fits
            int start = position;
            int end = Math.min(limit, position + (length - written));
            boolean newline = false;
            while (position < end) {
                byte b = buffer[position];
                if (b == '"') {
                    quoted = !quoted;
                } else if (b == '\n' && !quoted) {
                    newline = true;
                    break;
                }
                position++;
            }
            int n = position - start;
            System.arraycopy(buffer, start, out, offset + written, n);
            written += n;
            if (n > 0) {
                atRecordStart = false;
            }
            if (newline) {
                position++;
                pending = suffix();
                pendingPosition = 0;
                atRecordStart = true;
            }
        }
        return written == 0 && eof && pending == null ? -1 : written;
    }

    private byte[] suffix() {
        byte[] suffix = header ? headerSuffix : recordSuffix;
        header = false;
        byte[] result = new byte[suffix.length + 1];
        System.arraycopy(suffix, 0, result, 0, suffix.length);
        result[suffix.length] = (byte) '\n';
        return result;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

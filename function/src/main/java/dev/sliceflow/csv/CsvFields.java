package dev.sliceflow.csv;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * sliceflow's CSV dialect (CsvDialect) read as bytes, one record at a time: the fields of the current record are
 * ranges of one buffer, unescaped in place, with NULL (an unquoted empty field) told apart from {@code ""}. No String
 * or char is made: commons-csv's per-char lexer and the UTF-8 decode before it were half of a lake load's time, and
 * most fields go on to Parquet as bytes anyway.
 *
 * <p>Records end with an unquoted {@code \n} (a {@code \r} before it is dropped, as commons-csv does); inside quotes
 * {@code ""} is one quote and anything else is literal. A character between a closing quote and the next delimiter,
 * or a quote left open at the end, is not CSV: {@link Malformed}. Fields are valid until the next {@link #next()}.
 */
public final class CsvFields {
    /** The bytes are not sliceflow's CSV. */
    public static final class Malformed extends IOException {
        Malformed(String message) {
            super(message);
        }
    }

    /** A bound on one record, so that a quote left open does not read a whole part into memory. */
    public static final int MAX_RECORD_BYTES = 256 << 20;

    private InputStream in;
    private byte[] buffer = new byte[1 << 20];
    private int position;
    private int limit;
    private boolean eof;
    private int count;
    private int[] starts = new int[32];
    private int[] lengths = new int[32];
    /** Per field: 0 unquoted, 1 quoted, 2 quoted with doubled quotes still to collapse. */
    private byte[] quoting = new byte[32];

    public CsvFields(InputStream in) {
        this.in = in;
    }

    /** Reads {@code next} from its start, keeping the buffers: one reader reads a batch's hundreds of parts. */
    public CsvFields reset(InputStream next) {
        in = next;
        position = 0;
        limit = 0;
        eof = false;
        count = 0;
        return this;
    }

    /** Moves to the next record; false at the end of the input. */
    public boolean next() throws IOException {
        while (true) {
            int end = scan(position);
            if (end >= 0) {
                position = end;
                unescape();
                return true;
            }
            if (eof) {
                if (position == limit) {
                    return false;
                }
                throw new Malformed("the last record does not end (a quoted field is not closed)");
            }
            fill();
        }
    }

    public int count() {
        return count;
    }

    public boolean isNull(int field) {
        return quoting[field] == 0 && lengths[field] == 0;
    }

    public byte[] bytes() {
        return buffer;
    }

    public int start(int field) {
        return starts[field];
    }

    public int length(int field) {
        return lengths[field];
    }

    /** The field as text, for messages. */
    public String text(int field) {
        return new String(buffer, starts[field], lengths[field], java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The index just past the record starting at {@code from}, or -1 when the buffer does not hold all of it. */
    private int scan(int from) throws Malformed {
        byte[] b = buffer;
        int end = limit;
        int p = from;
        count = 0;
        while (true) {
            if (p >= end) {
                return -1;
            }
            if (b[p] == '"') {
                int s = p + 1;
                int q = s;
                boolean doubled = false;
                while (true) {
                    while (q < end && b[q] != '"') {
                        q++;
                    }
                    if (q + 1 >= end) {
                        // the closing quote needs the byte after it to be told apart from a doubled one
                        return -1;
                    }
                    if (b[q + 1] == '"') {
                        doubled = true;
                        q += 2;
                        continue;
                    }
                    break;
                }
                add(s, q - s, doubled ? (byte) 2 : (byte) 1);
                p = q + 1;
                byte after = b[p];
                if (after == ',') {
                    p++;
                } else if (after == '\n') {
                    return p + 1;
                } else if (after == '\r') {
                    if (p + 1 >= end) {
                        return -1;
                    }
                    if (b[p + 1] != '\n') {
                        throw new Malformed("a character after a closing quote: " + (char) after);
                    }
                    return p + 2;
                } else {
                    throw new Malformed("a character after a closing quote: "
                            + (after >= 32 && after < 127 ? String.valueOf((char) after) : "byte " + (after & 0xff)));
                }
            } else {
                int s = p;
                while (p < end && b[p] != ',' && b[p] != '\n') {
                    p++;
                }
                if (p >= end) {
                    return -1;
                }
                if (b[p] == ',') {
                    add(s, p - s, (byte) 0);
                    p++;
                } else {
                    int e = p > s && b[p - 1] == '\r' ? p - 1 : p;
                    add(s, e - s, (byte) 0);
                    return p + 1;
                }
            }
        }
    }

    private void add(int start, int length, byte quoted) {
        if (count == starts.length) {
            starts = Arrays.copyOf(starts, count * 2);
            lengths = Arrays.copyOf(lengths, count * 2);
            quoting = Arrays.copyOf(quoting, count * 2);
        }
        starts[count] = start;
        lengths[count] = length;
        quoting[count] = quoted;
        count++;
    }

    /** Collapses doubled quotes in place, once the whole record is known (a re-scan after a refill must see it raw). */
    private void unescape() {
        for (int f = 0; f < count; f++) {
            if (quoting[f] != 2) {
                continue;
            }
            int from = starts[f];
            int to = from;
            int end = from + lengths[f];
            for (int i = from; i < end; i++) {
                buffer[to++] = buffer[i];
                if (buffer[i] == '"') {
                    i++;
                }
            }
            lengths[f] = to - from;
            quoting[f] = 1;
        }
    }

    /** Keeps the unread rest at the front, grows the buffer when one record fills it, and reads more. */
    private void fill() throws IOException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            if (buffer.length >= MAX_RECORD_BYTES) {
                throw new Malformed("a record longer than " + (MAX_RECORD_BYTES >> 20) + " MiB (a quote not closed?)");
            }
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }
}

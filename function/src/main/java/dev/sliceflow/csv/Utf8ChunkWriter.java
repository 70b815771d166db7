package dev.sliceflow.csv;

import java.io.Writer;
import java.util.function.Consumer;

/**
 * A Writer that encodes UTF-8 straight into fixed-size byte chunks and hands each full chunk on, counting bytes
 * exactly (parts rotate by uncompressed size). Skips OutputStreamWriter's and BufferedWriter's extra copies.
 * Unpaired surrogates become '?', as the JDK's encoder does.
 */
final class Utf8ChunkWriter extends Writer {
    private final ChunkPool pool;
    private final Consumer<Chunk> downstream;
    private byte[] buffer;
    private int position;
    private long bytes;
    private char pendingHigh;

    Utf8ChunkWriter(ChunkPool pool, Consumer<Chunk> downstream) {
        this.pool = pool;
        this.downstream = downstream;
    }

    /** Bytes written since the last {@link #resetCount()}. */
    long count() {
        return bytes + position;
    }

    void resetCount() {
        bytes = -position;
    }

    /** Hands on the partly filled chunk, if any. */
    void handOff() {
        if (buffer != null && position > 0) {
            downstream.accept(Chunk.data(buffer, position));
            bytes += position;
            buffer = null;
            position = 0;
        }
    }

    @Override
    public void write(int c) {
        put((char) c);
    }

    @Override
    public void write(char[] chars, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            put(chars[i]);
        }
    }

    @Override
    public void write(String text, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            put(text.charAt(i));
        }
    }

    @Override
    public Writer append(CharSequence text, int start, int end) {
        for (int i = start; i < end; i++) {
            put(text.charAt(i));
        }
        return this;
    }

    @Override
    public Writer append(CharSequence text) {
        return append(text, 0, text.length());
    }

    @Override
    public Writer append(char c) {
        put(c);
        return this;
    }

    private void put(char c) {
        if (buffer == null || position > buffer.length - 4) {
            handOff();
            buffer = pool.take();
        }
        byte[] b = buffer;
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                b[position++] = (byte) (0xf0 | (cp >> 18));
                b[position++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[position++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[position++] = (byte) (0x80 | (cp & 0x3f));
                return;
            }
            b[position++] = '?';
            if (position > b.length - 4) {
                put(c);
                return;
            }
        }
        if (c < 0x80) {
            b[position++] = (byte) c;
        } else if (c < 0x800) {
            b[position++] = (byte) (0xc0 | (c >> 6));
            b[position++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            b[position++] = '?';
        } else {
            b[position++] = (byte) (0xe0 | (c >> 12));
            b[position++] = (byte) (0x80 | ((c >> 6) & 0x3f));
            b[position++] = (byte) (0x80 | (c & 0x3f));
        }
    }


    @Override
    public void flush() {
        // Chunks move on when full or at a part boundary; flushing per row would defeat the batching.
    }

    @Override
    public void close() {
        handOff();
    }
}

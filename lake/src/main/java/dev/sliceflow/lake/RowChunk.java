package dev.sliceflow.lake;

import java.util.Arrays;

/**
 * Up to {@link #CAPACITY} rows of one table from one manifest, in columns of primitives, as the part reader converts
 * them and {@link FlatParquetFile} writes them: no boxed value, String or record per field. Each of the
 * table schema's columns is {@link Fill#ABSENT} (NULL in every row: the manifest has no such column), {@link
 * Fill#CONSTANT} (a metadata column: one value for the whole manifest) or {@link Fill#VALUES}, held by physical
 * kind: {@code longs} (LONG, TIMESTAMP as microseconds, DATE as days, BOOLEAN as 0/1), {@code doubles}, or bytes in
 * one arena (STRING and JSON as UTF-8, DECIMAL as Parquet's 16-byte two's complement). Chunks are reused.
 */
final class RowChunk {
    static final int CAPACITY = 1024;

    enum Fill { ABSENT, CONSTANT, VALUES }

    final int width;
    final Fill[] fill;
    final boolean[][] nulls;
    final long[][] longs;
    final double[][] doubles;
    final int[][] starts;
    final int[][] lengths;
    /** A CONSTANT column's value: a Binary (constant bytes), a Long, or null. */
    final Object[] constants;
    byte[] arena = new byte[64 * 1024];
    int used;
    int rows;

    RowChunk(int width) {
        this.width = width;
        this.fill = new Fill[width];
        this.nulls = new boolean[width][];
        this.longs = new long[width][];
        this.doubles = new double[width][];
        this.starts = new int[width][];
        this.lengths = new int[width][];
        this.constants = new Object[width];
    }

    /** Empties the chunk for rows laid out as {@code layout} (a chunk of the same manifest before it). */
    void reset(Fill[] layoutFill, Object[] layoutConstants) {
        System.arraycopy(layoutFill, 0, fill, 0, width);
        System.arraycopy(layoutConstants, 0, constants, 0, width);
        rows = 0;
        used = 0;
    }

    boolean full() {
        return rows == CAPACITY;
    }

    boolean[] nulls(int column) {
        boolean[] n = nulls[column];
        return n != null ? n : (nulls[column] = new boolean[CAPACITY]);
    }

    long[] longs(int column) {
        long[] v = longs[column];
        return v != null ? v : (longs[column] = new long[CAPACITY]);
    }

    double[] doubles(int column) {
        double[] v = doubles[column];
        return v != null ? v : (doubles[column] = new double[CAPACITY]);
    }

    /** Room for {@code length} more bytes in the arena; returns where they go. */
    int reserve(int column, int length) {
        if (starts[column] == null) {
            starts[column] = new int[CAPACITY];
            lengths[column] = new int[CAPACITY];
        }
        if (used + length > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, used + length));
        }
        int at = used;
        used += length;
        starts[column][rows] = at;
        lengths[column][rows] = length;
        return at;
    }
}

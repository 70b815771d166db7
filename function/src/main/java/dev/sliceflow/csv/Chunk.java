package dev.sliceflow.csv;

/** A message from the encoding thread to the compressing thread. */
record Chunk(Kind kind, byte[] data, int length, long rows) {
    enum Kind { DATA, END_PART, FINISH, ABORT }

    static Chunk data(byte[] data, int length) {
        return new Chunk(Kind.DATA, data, length, 0);
    }

    static Chunk endPart(long rows) {
        return new Chunk(Kind.END_PART, null, 0, rows);
    }

    static final Chunk FINISH = new Chunk(Kind.FINISH, null, 0, 0);
    static final Chunk ABORT = new Chunk(Kind.ABORT, null, 0, 0);
}

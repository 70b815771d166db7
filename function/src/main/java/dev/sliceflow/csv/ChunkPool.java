package dev.sliceflow.csv;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed set of byte buffers shared by the encoder and the compressor: the bound on the writer's heap use and its
 * back-pressure (the encoder waits when the compressor is behind).
 */
final class ChunkPool {
    private final BlockingQueue<byte[]> free;

    ChunkPool(int chunks, int chunkSize) {
        free = new ArrayBlockingQueue<>(chunks);
        for (int i = 0; i < chunks; i++) {
            free.add(new byte[chunkSize]);
        }
    }

    byte[] take() {
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a buffer", e);
        }
    }

    void release(byte[] chunk) {
        free.offer(chunk);
    }
}

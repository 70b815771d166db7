package dev.sliceflow.destination;

import dev.sliceflow.manifest.ManifestPart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Fetches the parts a bulk load will read next while it reads the current one: with S3's time to first byte per
 * GetObject (tens of ms), a batch of hundreds of small parts read one after another would spend most of its time
 * waiting. Parts are fetched whole into memory, at most {@code maxAhead} parts and {@code maxBytesAhead} bytes ahead
 * of the reader; a part larger than {@code maxPartBytes} is streamed directly when its turn comes.
 */
public final class PartPrefetch implements PartOpener, AutoCloseable {
    private final List<ManifestPart> order;
    private final PartOpener opener;
    private final Executor executor;
    private final int maxAhead;
    private final long maxBytesAhead;
    private final long maxPartBytes;
    private final LoadDeadline deadline;
    private final Map<String, Integer> index = new HashMap<>();
    private final List<CompletableFuture<byte[]>> fetches;
    private int started;

    public PartPrefetch(List<ManifestPart> order, PartOpener opener, Executor executor, int maxAhead,
                        long maxBytesAhead, long maxPartBytes) {
        this(order, opener, executor, maxAhead, maxBytesAhead, maxPartBytes, LoadDeadline.none());
    }

    /** @param deadline the reader waits for a fetch until then at most (an IOException after it) */
    public PartPrefetch(List<ManifestPart> order, PartOpener opener, Executor executor, int maxAhead,
                        long maxBytesAhead, long maxPartBytes, LoadDeadline deadline) {
        this.deadline = deadline;
        this.order = List.copyOf(order);
        this.opener = opener;
        this.executor = executor;
        this.maxAhead = maxAhead;
        this.maxBytesAhead = maxBytesAhead;
        this.maxPartBytes = maxPartBytes;
        this.fetches = new ArrayList<>(order.size());
        for (int i = 0; i < this.order.size(); i++) {
            index.putIfAbsent(this.order.get(i).key(), i);
            fetches.add(null);
        }
    }

    /** Starts the first fetches before the reader asks. */
    public synchronized PartPrefetch start() {
        schedule(0);
        return this;
    }

    @Override
    public InputStream open(ManifestPart part) throws IOException {
        Integer i = index.get(part.key());
        CompletableFuture<byte[]> fetch;
        synchronized (this) {
            if (i == null) {
                return opener.open(part);
            }
            schedule(i + 1);
            fetch = fetches.get(i);
            fetches.set(i, null);
        }
        if (fetch == null) {
            return opener.open(part);
        }
        try {
            return new ByteArrayInputStream(deadline.bounded()
                    ? fetch.get(deadline.remainingNanos(), java.util.concurrent.TimeUnit.NANOSECONDS) : fetch.get());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the loader's deadline passed while fetching part " + part.key(),
                    new LoadTimeoutException("the loader's deadline passed"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching part " + part.key(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IOException("cannot fetch part " + part.key() + ": " + cause, cause);
        }
    }

    /** Starts fetches from {@code from} on, within the window. */
    private void schedule(int from) {
        long bytes = 0;
        int ahead = 0;
        for (int j = from; j < order.size() && ahead < maxAhead; j++, ahead++) {
            ManifestPart part = order.get(j);
            if (part.bytes() > maxPartBytes) {
                continue;
            }
            bytes += part.bytes();
            if (bytes > maxBytesAhead && ahead > 0) {
                break;
            }
            if (j >= started) {
                fetches.set(j, CompletableFuture.supplyAsync(() -> fetch(part), executor));
                started = j + 1;
            }
        }
    }

    private byte[] fetch(ManifestPart part) {
        try (InputStream in = opener.open(part)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new TransientLoadException("cannot fetch part " + part.key() + ": " + e.getMessage(), e);
        }
    }

    /** Drops what was fetched and not read (the load failed). */
    @Override
    public synchronized void close() {
        for (int i = 0; i < fetches.size(); i++) {
            CompletableFuture<byte[]> fetch = fetches.get(i);
            if (fetch != null) {
                fetch.cancel(false);
                fetches.set(i, null);
            }
        }
        started = order.size();
    }
}

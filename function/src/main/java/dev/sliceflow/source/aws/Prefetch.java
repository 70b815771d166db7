package dev.sliceflow.source.aws;

import dev.sliceflow.source.RowSink;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fetches a slice's selected tables concurrently while the worker writes them one after another.
 *
 * <p>The worker scans tables in order; on the first scan, every selected table's fetch is queued on a pool of
 * {@code concurrency} threads, in that same order. Each fetch streams its rows into a bounded queue that the
 * worker drains when it reaches that table, so memory stays bounded (at most {@code capacity} rows per running
 * fetch) and the slice's wall time approaches that of its slowest table instead of the sum.
 *
 * <p>A table whose fetch has not started when the worker reaches it is fetched on the worker's own thread; a table
 * scanned a second time is fetched again directly. A sink exception stops that table's fetch and reaches the caller
 * unchanged; a fetch's exception is rethrown by the scan of its table. {@link #close()} stops every fetch.
 */
final class Prefetch implements AutoCloseable {
    @FunctionalInterface
    interface Fetch {
        void run(RowSink sink) throws Exception;
    }

    static final int DEFAULT_CAPACITY = 256;
    private static final Object END = new Object();

    private final int concurrency;
    private final int capacity;
    /** Fetches running at once, on the pool or on the worker's thread: never more than {@code concurrency}. */
    private final Semaphore running;
    private final Map<String, Stream> streams = new LinkedHashMap<>();
    private ExecutorService pool;
    private boolean closed;

    /** @param selected the tables the worker will scan, in its order, with how to fetch each */
    Prefetch(Map<String, Fetch> selected, int concurrency, int capacity) {
        this.concurrency = concurrency;
        this.capacity = capacity;
        this.running = new Semaphore(concurrency);
        selected.forEach((name, fetch) -> streams.put(name, new Stream(name, fetch)));
    }

    /** Scans {@code table}: from its prefetched stream the first time, directly otherwise. */
    void scan(String table, Fetch direct, RowSink sink) throws Exception {
        Stream stream;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("source is closed");
            }
            stream = streams.remove(table);
            if (stream != null && pool == null && concurrency > 1) {
                start();
            }
        }
        if (stream == null) {
            direct.run(sink);
        } else {
            stream.drainInto(sink);
        }
    }

    private void start() {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, "sliceflow-aws-fetch-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (Stream stream : streams.values()) {
            pool.execute(stream::produce);
        }
    }

    /** Stops every fetch still running and waits briefly for their threads. */
    @Override
    public void close() {
        List<Stream> pending;
        synchronized (this) {
            closed = true;
            pending = List.copyOf(streams.values());
            streams.clear();
        }
        pending.forEach(Stream::cancel);
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Stream {
        private static final int NEW = 0;
        private static final int PRODUCING = 1;
        private static final int DIRECT = 2;

        private final String name;
        private final Fetch fetch;
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(capacity);
        private final AtomicInteger state = new AtomicInteger(NEW);
        private volatile boolean cancelled;

        Stream(String name, Fetch fetch) {
            this.name = name;
            this.fetch = fetch;
        }

        void cancel() {
            cancelled = true;
            queue.clear();
        }

        /** On a pool thread: fetch into the queue, ending with END or the failure. */
        void produce() {
            if (!state.compareAndSet(NEW, PRODUCING)) {
                return;
            }
            Thread.currentThread().setName("sliceflow-aws-fetch-" + name);
            try {
                running.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                queue.offer(new Failure(e)); // the queue is empty: never blocks
                return;
            }
            try {
                fetch.run(new RowSink() {
                    @Override
                    public void accept(Object[] row) {
                        put(row.clone());
                    }

                    @Override
                    public void skipped(String reason) {
                        put(new Skipped(reason));
                    }
                });
                put(END);
            } catch (Cancelled stop) {
                // the consumer is gone
            } catch (Throwable e) {
                try {
                    put(new Failure(e));
                } catch (Cancelled stop) {
                    // the consumer is gone
                }
            } finally {
                running.release();
            }
        }

        private void put(Object item) {
            try {
                while (!queue.offer(item, 50, TimeUnit.MILLISECONDS)) {
                    if (cancelled) {
                        throw new Cancelled();
                    }
                }
                if (cancelled) {
                    throw new Cancelled();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled();
            }
        }

        /** On the worker's thread. */
        void drainInto(RowSink sink) throws Exception {
            if (state.compareAndSet(NEW, DIRECT)) {
                running.acquire();
                try {
                    fetch.run(sink);
                } finally {
                    running.release();
                }
                return;
            }
            try {
                while (true) {
                    Object item = queue.take();
                    if (item == END) {
                        return;
                    }
                    if (item instanceof Skipped skipped) {
                        sink.skipped(skipped.reason);
                        continue;
                    }
                    if (item instanceof Failure failure) {
                        if (failure.error instanceof Exception e) {
                            throw e;
                        }
                        throw (Error) failure.error;
                    }
                    sink.accept((Object[]) item);
                }
            } catch (Throwable e) {
                cancel();
                throw e;
            }
        }
    }

    private record Failure(Throwable error) {
    }

    private record Skipped(String reason) {
    }

    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("fetch cancelled", null, false, false);
        }
    }
}

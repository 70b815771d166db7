package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrefetchTest {
    /** A table of {@code rows} rows that takes {@code millis} before its first row. */
    private static Prefetch.Fetch slow(long millis, int rows, AtomicInteger running, AtomicInteger maxRunning) {
        return sink -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(millis);
                for (int i = 0; i < rows; i++) {
                    sink.accept(new Object[] {(long) i});
                }
            } finally {
                running.decrementAndGet();
            }
        };
    }

    @Test
    void scan_whenTablesAreSlow_fetchesThemConcurrentlyWithinTheBoundAndKeepsEachTablesRows() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Map<String, Prefetch.Fetch> tables = new LinkedHashMap<>();
        for (int t = 0; t < 8; t++) {
            tables.put("t" + t, slow(200, 100, running, max));
        }
        try (Prefetch prefetch = new Prefetch(tables, 4, 16)) {
            for (Map.Entry<String, Prefetch.Fetch> table : tables.entrySet()) {
                List<Long> rows = new ArrayList<>();
                prefetch.scan(table.getKey(), table.getValue(), row -> rows.add((Long) row[0]));
                assertThat(rows).hasSize(100).isSorted();
            }
        }
        // the bound, reached and never passed (the wall time it saves is measured in docs/performance.md)
        assertThat(max.get()).isEqualTo(4);
    }

    @Test
    void scan_whenConcurrencyIsOne_runsOnTheCallersThreadOneAfterAnother() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        Map<String, Prefetch.Fetch> tables = new LinkedHashMap<>();
        tables.put("first", slow(10, 3, running, max));
        tables.put("a", slow(10, 3, running, max));
        List<String> threads = new ArrayList<>();
        try (Prefetch prefetch = new Prefetch(tables, 1, 16)) {
            // "a" is not the first table scanned: with a bound above one it would be prefetched on a pool thread
            prefetch.scan("first", tables.get("first"), row -> { });
            prefetch.scan("a", tables.get("a"), row -> threads.add(Thread.currentThread().getName()));
        }
        assertThat(threads).hasSize(3);
        assertThat(threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void scan_whenTheWorkerIsBehind_aFetchHoldsAtMostTheQueueCapacity() throws Exception {
        AtomicLong produced = new AtomicLong();
        CountDownLatch blocked = new CountDownLatch(1);
        Map<String, Prefetch.Fetch> tables = new LinkedHashMap<>();
        tables.put("first", sink -> {
            blocked.await(5, TimeUnit.SECONDS);
            sink.accept(new Object[] {1L});
        });
        tables.put("big", sink -> {
            for (long i = 0; i < 100_000; i++) {
                sink.accept(new Object[] {i});
                produced.incrementAndGet();
            }
        });
        try (Prefetch prefetch = new Prefetch(tables, 2, 64)) {
            Thread consumer = new Thread(() -> {
                try {
                    prefetch.scan("first", tables.get("first"), row -> { });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            consumer.start();
            Thread.sleep(300);
            assertThat(produced.get()).isLessThanOrEqualTo(65);
            blocked.countDown();
            consumer.join();
            long[] count = {0};
            prefetch.scan("big", tables.get("big"), row -> count[0]++);
            assertThat(count[0]).isEqualTo(100_000);
        }
    }

    @Test
    void scan_whenTheSinkThrows_theExceptionIsUnchangedAndTheFetchStopsFreeingItsSlot() throws Exception {
        Prefetch.Fetch endless = sink -> {
            for (long i = 0; ; i++) {
                sink.accept(new Object[] {i});
            }
        };
        CountDownLatch fourthStarted = new CountDownLatch(1);
        Map<String, Prefetch.Fetch> tables = new LinkedHashMap<>();
        tables.put("b", sink -> sink.accept(new Object[] {0L}));
        tables.put("a", endless);
        tables.put("c", endless);
        tables.put("d", sink -> fourthStarted.countDown());
        IOException full = new IOException("disk full");
        try (Prefetch prefetch = new Prefetch(tables, 2, 8)) {
            // scanning "b" first starts "a" and "c" on the two slots, their queues fill, "d" waits for a slot
            prefetch.scan("b", tables.get("b"), row -> { });
            assertThat(fourthStarted.await(300, TimeUnit.MILLISECONDS)).isFalse();

            assertThatThrownBy(() -> prefetch.scan("a", tables.get("a"), row -> {
                throw full;
            })).isSameAs(full);

            // "a"'s fetch was cancelled, not left blocked on its full queue: its slot went to "d"
            assertThat(fourthStarted.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void scan_whenTheFetchFails_rethrowsItsExceptionForThatTableOnly() throws Exception {
        IllegalStateException denied = new IllegalStateException("AccessDenied");
        Map<String, Prefetch.Fetch> tables = new LinkedHashMap<>();
        tables.put("bad", sink -> {
            sink.accept(new Object[] {1L});
            throw denied;
        });
        tables.put("good", sink -> sink.accept(new Object[] {2L}));
        try (Prefetch prefetch = new Prefetch(tables, 4, 8)) {
            List<Object> rows = new ArrayList<>();
            // "good" first, so "bad" is fetched ahead on a pool thread and its failure crosses threads
            prefetch.scan("good", tables.get("good"), row -> rows.add(row[0]));
            assertThatThrownBy(() -> prefetch.scan("bad", tables.get("bad"), row -> rows.add(row[0])))
                    .isSameAs(denied);
            assertThat(rows).containsExactly(2L, 1L);
            // a second scan fetches again, directly
            prefetch.scan("good", tables.get("good"), row -> rows.add(row[0]));
            assertThat(rows).containsExactly(2L, 1L, 2L);
        }
    }
}

package dev.sliceflow.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import dev.sliceflow.local.runtime.EmbeddedS3;
import dev.sliceflow.local.runtime.LocalContext;
import dev.sliceflow.local.runtime.LocalCredentials;
import dev.sliceflow.warehouse.Sql;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** What the benchmarks share: an S3 endpoint on disk, a Lambda context, and samplers for peak heap and disk. */
final class BenchSupport {
    static final LocalCredentials CREDENTIALS = LocalCredentials.DEFAULT;
    static final String ACCESS_KEY = CREDENTIALS.accessKeyId();
    static final String SECRET_KEY = CREDENTIALS.secretAccessKey();

    private BenchSupport() {
    }

    /** S3 on a loopback port with a filesystem blob store (large benches do not fit in memory): local mode's own. */
    static EmbeddedS3 startS3(Path dir) {
        return EmbeddedS3.start(0, java.util.Optional.of(dir), CREDENTIALS, java.util.function.UnaryOperator.identity());
    }

    /** A Lambda context with 15 minutes left. */
    static Context context() {
        return LocalContext.startingNow("bench", java.time.Duration.ofMinutes(15), "us-east-1");
    }

    static SQSEvent event(String body) {
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId("bench-" + System.nanoTime());
        message.setBody(body);
        message.setAttributes(Map.of("ApproximateReceiveCount", "1"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(message));
        return event;
    }

    /** Drops a bench's tables and every bookkeeping table and view (views first: they depend on the tables). */
    static void dropWarehouse(java.sql.Statement st, List<String> tables) throws java.sql.SQLException {
        for (String view : List.of(Sql.SYNC_STATUS, Sql.FAILING_LOADS)) {
            st.execute("DROP VIEW IF EXISTS " + view);
        }
        List<String> all = new ArrayList<>(tables);
        all.addAll(List.of(Sql.MANIFESTS, Sql.LOADS,
                Sql.STATE, Sql.REJECTS, Sql.PLANS,
                Sql.LOAD_ERRORS));
        for (String table : all) {
            st.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    static long sizeOf(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // deleted while we looked
                }
            }).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Samples used heap and a directory's size every few milliseconds; keeps the peaks. */
    static final class PeakSampler implements AutoCloseable {
        private final AtomicLong peakHeap = new AtomicLong();
        private final AtomicLong peakDisk = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        PeakSampler(Path dir) {
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            thread = new Thread(() -> {
                while (running) {
                    peakDisk.accumulateAndGet(sizeOf(dir), Math::max);
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        /** Peak heap over the run: the JVM's per-pool peaks, summed. */
        long peakHeapBytes() {
            long sum = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    sum += pool.getPeakUsage().getUsed();
                }
            }
            return sum;
        }

        long peakDiskBytes() {
            return peakDisk.get();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

}

package dev.sliceflow.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.cli.DemoSync;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.Warehouses;
import dev.sliceflow.worker.WorkerHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo at scale: one synthetic sync of about 1,000 slices through the whole local pipeline (embedded S3 and SQS,
 * the real worker and loader, DuckDB), measured three ways in one JVM on the same data (same spec and seed, so the
 * same rows):
 * <ol>
 *   <li><b>end to end</b>: a fresh directory, worker and loader attached, from the launch (plan + enqueue) until the
 *       warehouse reports the sync complete. It also records when the first manifest loaded and when the last slice
 *       committed, and how many slices were already loaded at that moment: the stages overlap when loads start
 *       while slices are still being synced.</li>
 *   <li><b>worker-only</b>: another fresh directory, the worker alone, from the launch until the last slice has
 *       committed (its manifest written; the S3 events wait on the load queue).</li>
 *   <li><b>loader-only</b>: then the loader is attached to those waiting events, until the sync is complete.</li>
 * </ol>
 * Each rate is the sync's rows over that span. Prints, last:
 * {@code demo: <rows/s> rows/s end to end, worker-only <rows/s>, loader-only <rows/s>, peak RSS <MB> MB}.
 *
 * <pre>
 * bench/run demo [--slices 1000] [--rows-per-table 100] [--worker-concurrency 2] [--dir target/bench-demo]
 *                 [--load-batch-size 1000] [--load-batch-window 2]
 * </pre>
 */
public final class DemoBench {
    private static final int REGIONS = 3;
    /**
     * How often the warehouse's sync status is read: each read takes the DuckDB file's lock for a few milliseconds,
     * which the loader then waits for, so not too often; the spans do not depend on it (they end at the warehouse's
     * loaded_at).
     */
    private static final long POLL_MILLIS = 500;

    private DemoBench() {
    }

    public static void main(String[] args) throws Exception {
        int slices = 1000;
        long rowsPerTable = 100;
        int workerConcurrency = 2;
        Path root = Path.of("target/bench-demo");
        int loadBatchSize = LocalRuntime.LOADER.batchSize();
        long loadBatchWindow = LocalRuntime.LOADER.batchWindow().toSeconds();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--slices" -> slices = Integer.parseInt(args[++i]);
                case "--rows-per-table" -> rowsPerTable = Long.parseLong(args[++i]);
                case "--worker-concurrency" -> workerConcurrency = Integer.parseInt(args[++i]);
                case "--dir" -> root = Path.of(args[++i]);
                case "--load-batch-size" -> loadBatchSize = Integer.parseInt(args[++i]);
                case "--load-batch-window" -> loadBatchWindow = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --slices,"
                        + " --rows-per-table, --worker-concurrency, --dir, --load-batch-size, --load-batch-window");
            }
        }
        int regions = Math.min(REGIONS, slices);
        int accounts = (slices + regions - 1) / regions;
        SyncSpec spec = DemoSync.spec(accounts, regions, rowsPerTable, 1);
        BenchSupport.deleteRecursively(root);
        Files.createDirectories(root);

        Instant syncTime = Instant.now();
        EventSourceMapping loader = LocalRuntime.LOADER.withBatching(loadBatchSize,
                java.time.Duration.ofSeconds(loadBatchWindow));
        EndToEnd e2e = endToEnd(root.resolve("end-to-end"), spec, syncTime, workerConcurrency, loader);
        Split split = split(root.resolve("split"), spec, syncTime, workerConcurrency, loader);
        long rows = e2e.plan.slices() * e2e.plan.tables().size() * rowsPerTable;

        System.out.printf(Locale.ROOT, "demo bench: %d slices (%d accounts x %d regions) x %d tables x %,d rows = %,d "
                        + "rows; worker concurrency %d, loader concurrency 1, batches of up to %d manifests gathered for"
                        + " up to %d s, DuckDB; %d cores%n", e2e.plan.slices(),
                accounts, regions, e2e.plan.tables().size(), rowsPerTable, rows, workerConcurrency,
                loader.batchSize(), loader.batchWindow().toSeconds(), Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "end to end:  launch to complete %.1f s; first manifest loaded at +%.1f s, last "
                        + "slice committed at +%.1f s, %d of %d slices already loaded then: %s%n", e2e.total / 1e9,
                e2e.firstLoaded / 1e9, e2e.lastCommitted / 1e9, e2e.loadedAtLastCommit, e2e.plan.slices(),
                e2e.firstLoaded < e2e.lastCommitted ? "the stages overlap" : "NO overlap");
        System.out.printf(Locale.ROOT, "worker-only: launch to last slice committed %.1f s (loader not attached)%n",
                split.worker / 1e9);
        System.out.printf(Locale.ROOT, "loader-only: loader attached to the %d waiting S3 events, to complete %.1f s%n",
                split.plan.slices(), split.loader / 1e9);
        System.out.println("method: rate = the sync's rows / the span; the three spans in this JVM on identical rows "
                + "(same spec and seed); end to end on its own fresh directory, S3 store and DuckDB file, worker-only and "
                + "then loader-only on a second one; end to end "
                + "ran first; spans start at the launch (plan.json + enqueue through SyncLauncher) or at the loader's "
                + "attach, and end at the warehouse's last loaded_at (end to end, loader-only) or when the worker's "
                + "last invocation returned (worker-only); peak RSS = VmHWM of this JVM");
        System.out.printf(Locale.ROOT, "demo: %,.0f rows/s end to end, worker-only %,.0f rows/s, loader-only %,.0f "
                        + "rows/s, peak RSS %d MB%n", rows / (e2e.total / 1e9), rows / (split.worker / 1e9),
                rows / (split.loader / 1e9), peakRssMb());
    }

    private record EndToEnd(Plan plan, long total, long firstLoaded, long lastCommitted, long loadedAtLastCommit) {
    }

    private record Split(Plan plan, long worker, long loader) {
    }

    private static EndToEnd endToEnd(Path dir, SyncSpec spec, Instant syncTime, int workerConcurrency,
                                     EventSourceMapping loader) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)));
             Warehouse warehouse = warehouse(runtime)) {
            Committed committed = new Committed();
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER.withMaxConcurrency(workerConcurrency),
                    settings -> committed.counting(new WorkerHandler(settings)));
            runtime.attach(runtime.queues().load(), loader, LoaderHandler::new);
            long start = System.nanoTime();
            Instant started = Instant.now();
            Plan plan = DemoSync.launch(runtime, spec, syncTime, Optional.of("bench-e2e"), false, n -> { }).plan();
            long lastCommitted = -1;
            long loadedAtLastCommit = -1;
            while (true) {
                // committed first: a slice counted as committed here was committed before the status read below
                long committedNow = committed.slices.get();
                long committedAt = committed.lastAt.get();
                SyncStatus status = status(warehouse, plan.syncId());
                if (lastCommitted < 0 && committedNow >= plan.slices()) {
                    lastCommitted = committedAt - start;
                    loadedAtLastCommit = status.slicesLoaded();
                }
                if (status.complete()) {
                    // the spans end at the warehouse's own commit times, not at this poll
                    return new EndToEnd(plan, nanos(started, status.lastLoadedAt()),
                            nanos(started, status.firstLoadedAt()), lastCommitted, loadedAtLastCommit);
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private static Split split(Path dir, SyncSpec spec, Instant syncTime, int workerConcurrency,
                               EventSourceMapping loader) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)));
             Warehouse warehouse = warehouse(runtime)) {
            Committed committed = new Committed();
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER.withMaxConcurrency(workerConcurrency),
                    settings -> committed.counting(new WorkerHandler(settings)));
            long start = System.nanoTime();
            Plan plan = DemoSync.launch(runtime, spec, syncTime, Optional.of("bench-split"), false, n -> { }).plan();
            while (committed.slices.get() < plan.slices()) {
                Thread.sleep(10);
            }
            long worker = committed.lastAt.get() - start;

            Instant loaderStart = Instant.now();
            runtime.attach(runtime.queues().load(), loader, LoaderHandler::new);
            SyncStatus status;
            while (!(status = status(warehouse, plan.syncId())).complete()) {
                Thread.sleep(POLL_MILLIS);
            }
            return new Split(plan, worker, nanos(loaderStart, status.lastLoadedAt()));
        }
    }

    private static long nanos(Instant from, Instant to) {
        return Duration.between(from, to).toNanos();
    }

    private static Warehouse warehouse(LocalRuntime runtime) {
        return Warehouses.open(new WarehouseConfig(runtime.environment().get("SLICEFLOW_WAREHOUSE_URL"),
                Optional.empty(), Optional.empty()));
    }

    private static SyncStatus status(Warehouse warehouse, String syncId) {
        return warehouse.syncStatus(Optional.of(syncId)).stream().findFirst()
                .orElse(new SyncStatus(syncId, null, -1, 0, 0, 0, 0, 0, 0, null, null, false));
    }

    /** Counts the worker's successful invocations (one slice committed each at these sizes) and when the last ended. */
    private static final class Committed {
        final AtomicLong slices = new AtomicLong();
        final AtomicLong lastAt = new AtomicLong();

        RequestHandler<SQSEvent, SQSBatchResponse> counting(RequestHandler<SQSEvent, SQSBatchResponse> worker) {
            return (SQSEvent event, Context context) -> {
                SQSBatchResponse response = worker.handleRequest(event, context);
                if (response == null || response.getBatchItemFailures() == null
                        || response.getBatchItemFailures().isEmpty()) {
                    lastAt.accumulateAndGet(System.nanoTime(), Math::max);
                    slices.addAndGet(event.getRecords().size());
                }
                return response;
            };
        }
    }

    /** The peak resident set size of this JVM (Linux VmHWM), or -1 elsewhere. */
    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}

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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo at scale: one synthetic sync of about 1,000 slices through the whole local pipeline (embedded S3 and SQS,
 * the real worker and loader, DuckDB), measured three ways on the same data (same spec and seed, so the same rows):
 * <ol>
 *   <li><b>end to end</b>: a fresh directory, worker and loader attached, from the launch (plan + enqueue) until the
 *       warehouse reports the sync complete. It also records when the first manifest loaded and when the last slice
 *       committed, and how many slices were already loaded at that moment: the stages overlap when loads start
 *       while slices are still being synced.</li>
 *   <li><b>worker-only</b>: another fresh directory, the worker alone, from the launch until the last slice has
 *       committed (its manifest written; the S3 events wait on the load queue).</li>
 *   <li><b>loader-only</b>: then the loader is attached to those waiting events, until the sync is complete.</li>
 * </ol>
 * Twice over: <b>cold</b> ({@code demo:}), each span in a fresh JVM, as {@code sliceflow demo} runs (with its
 * {@code -XX:TieredStopAtLevel=1}; {@code --child-jvm-options ""} for none); and <b>warm</b>
 * ({@code demo-warm:}), in this JVM after an unmeasured end-to-end pass of the same size, as a long-running
 * {@code serve} is. On two cores a cold JVM's JIT compilation and class loading take seconds of a 25 s span, so the
 * two must not be mixed: before the cold rounds existed, end to end ran first in a cold JVM and worker-only after it
 * in the same JVM, warm, and the ratio measured the JIT (0.45, where either order alone gives 0.8). Rounds alternate
 * which span runs first; the best of each span is reported. Prints, for each:
 * {@code demo: <rows/s> rows/s end to end, worker-only <rows/s>, ratio <r>, loader-only <rows/s>, peak RSS <MB> MB}.
 *
 * <pre>
 * bench/run demo [--slices 1000] [--rows-per-table 100] [--worker-concurrency 2] [--dir target/bench-demo]
 *                 [--load-batch-size 1000] [--load-batch-window 2] [--cold-rounds 1] [--warm-rounds 1]
 *                 [--no-warmup] [--child-jvm-options "-XX:TieredStopAtLevel=1"]
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
        int coldRounds = 1;
        int warmRounds = 1;
        boolean warmup = true;
        String span = null;
        // what local/sliceflow gives every command but serve
        List<String> childJvmOptions = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
        boolean childOptionsGiven = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--slices" -> slices = Integer.parseInt(args[++i]);
                case "--rows-per-table" -> rowsPerTable = Long.parseLong(args[++i]);
                case "--worker-concurrency" -> workerConcurrency = Integer.parseInt(args[++i]);
                case "--dir" -> root = Path.of(args[++i]);
                case "--load-batch-size" -> loadBatchSize = Integer.parseInt(args[++i]);
                case "--load-batch-window" -> loadBatchWindow = Long.parseLong(args[++i]);
                case "--cold-rounds" -> coldRounds = Integer.parseInt(args[++i]);
                case "--warm-rounds" -> warmRounds = Integer.parseInt(args[++i]);
                case "--no-warmup" -> warmup = false;
                case "--child-jvm-options" -> {
                    if (!childOptionsGiven) {
                        childJvmOptions.clear();
                        childOptionsGiven = true;
                    }
                    String value = args[++i].trim();
                    if (!value.isEmpty()) {
                        childJvmOptions.addAll(List.of(value.split("\\s+")));
                    }
                }
                case "--span" -> span = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --slices,"
                        + " --rows-per-table, --worker-concurrency, --dir, --load-batch-size, --load-batch-window,"
                        + " --cold-rounds, --warm-rounds, --no-warmup, --child-jvm-options");
            }
        }
        int regions = Math.min(REGIONS, slices);
        int accounts = (slices + regions - 1) / regions;
        SyncSpec spec = DemoSync.spec(accounts, regions, rowsPerTable, 1);
        Instant syncTime = Instant.now();
        EventSourceMapping loader = LocalRuntime.LOADER.withBatching(loadBatchSize,
                java.time.Duration.ofSeconds(loadBatchWindow));
        if (span != null) {
            // a child of a cold round: one span in this fresh JVM, reported on one line for the parent
            Files.createDirectories(root);
            if (span.equals("end-to-end")) {
                EndToEnd e = endToEnd(root, spec, syncTime, workerConcurrency, loader, "bench-cold-e2e");
                System.out.printf(Locale.ROOT, "demo-span: end-to-end %d %d %d %d %d %d %d%n", e.total, e.firstLoaded,
                        e.lastCommitted, e.loadedAtLastCommit, e.cpu, e.plan.slices() * e.plan.tables().size(),
                        peakRssMb());
            } else {
                Split sp = split(root, spec, syncTime, workerConcurrency, loader, "bench-cold-split");
                System.out.printf(Locale.ROOT, "demo-span: split %d %d %d %d %d%n", sp.worker, sp.loader,
                        sp.workerCpu, sp.loaderCpu, peakRssMb());
            }
            return;
        }
        BenchSupport.deleteRecursively(root);
        Files.createDirectories(root);
        long plannedSlices = (long) accounts * regions;
        System.out.printf(Locale.ROOT, "demo bench: %d slices (%d accounts x %d regions) x %,d rows per table;"
                        + " worker concurrency %d, loader concurrency 1, batches of up to %d manifests gathered for"
                        + " up to %d s, DuckDB; %d cores%n", plannedSlices, accounts, regions, rowsPerTable,
                workerConcurrency, loader.batchSize(), loader.batchWindow().toSeconds(),
                Runtime.getRuntime().availableProcessors());

        if (coldRounds > 0) {
            List<String> passOn = List.of("--slices", String.valueOf(slices), "--rows-per-table",
                    String.valueOf(rowsPerTable), "--worker-concurrency", String.valueOf(workerConcurrency),
                    "--load-batch-size", String.valueOf(loadBatchSize), "--load-batch-window",
                    String.valueOf(loadBatchWindow));
            EndToEnd e2e = null;
            Split split = null;
            long tableSlices = 0;
            long peakRss = 0;
            for (int round = 0; round < coldRounds; round++) {
                // each span in its own fresh JVM, as `sliceflow demo` runs; the order alternates between rounds
                boolean e2eFirst = round % 2 == 0;
                Path dir = root.resolve("cold-" + round);
                EndToEnd e = null;
                Split sp = null;
                for (String kind : e2eFirst ? List.of("end-to-end", "split") : List.of("split", "end-to-end")) {
                    long[] v = child(kind, dir.resolve(kind), passOn, childJvmOptions);
                    if (kind.equals("end-to-end")) {
                        e = new EndToEnd(null, v[0], v[1], v[2], v[3], v[4]);
                        tableSlices = v[5];
                    } else {
                        sp = new Split(null, v[0], v[1], v[2], v[3]);
                    }
                    peakRss = Math.max(peakRss, v[v.length - 1]);
                }
                System.out.printf(Locale.ROOT, "cold round %d (%s first, each span a fresh JVM%s): %s%n", round + 1,
                        e2eFirst ? "end to end" : "worker-only",
                        childJvmOptions.isEmpty() ? "" : " with " + String.join(" ", childJvmOptions), spans(e, sp));
                e2e = e2e == null || e.total < e2e.total ? e : e2e;
                split = split == null ? sp : split.best(sp);
            }
            report("demo", "each span in a fresh JVM, as the demo command runs, best of " + coldRounds, e2e, split,
                    plannedSlices, tableSlices * rowsPerTable, peakRss);
        }

        if (warmRounds > 0) {
            if (warmup) {
                EndToEnd warm = endToEnd(root.resolve("warm-up"), spec, syncTime, workerConcurrency, loader,
                        "bench-warm");
                System.out.printf(Locale.ROOT, "warm-up: end to end %.1f s (not measured: the JVM compiles)%n",
                        warm.total / 1e9);
            }
            EndToEnd e2e = null;
            Split split = null;
            for (int round = 0; round < warmRounds; round++) {
                // alternate which span runs first, so neither always follows the other's garbage and compilation
                boolean e2eFirst = round % 2 == 0;
                Split sp = e2eFirst ? null
                        : split(root.resolve("split-" + round), spec, syncTime, workerConcurrency, loader,
                                "bench-split-" + round);
                EndToEnd e = endToEnd(root.resolve("end-to-end-" + round), spec, syncTime, workerConcurrency, loader,
                        "bench-e2e-" + round);
                if (sp == null) {
                    sp = split(root.resolve("split-" + round), spec, syncTime, workerConcurrency, loader,
                            "bench-split-" + round);
                }
                System.out.printf(Locale.ROOT, "warm round %d (%s first, this JVM): %s%n", round + 1,
                        e2eFirst ? "end to end" : "worker-only", spans(e, sp));
                e2e = e2e == null || e.total < e2e.total ? e : e2e;
                split = split == null ? sp : split.best(sp);
            }
            report("demo-warm", "one JVM after " + (warmup ? "an unmeasured warm-up pass" : "no warm-up") + ", as a"
                    + " long-running serve is, best of " + warmRounds, e2e, split, plannedSlices,
                    e2e.plan.slices() * e2e.plan.tables().size() * rowsPerTable, peakRssMb());
        }
        System.out.println("method: rate = the sync's rows / the span, on identical rows (same spec and seed); end to"
                + " end on its own fresh directory, S3 store and DuckDB file, worker-only and then loader-only on a"
                + " second one; spans start at the launch (plan.json + enqueue through SyncLauncher) or at the loader's"
                + " attach, and end at the warehouse's last loaded_at (end to end, loader-only) or when the worker's"
                + " last invocation returned (worker-only); peak RSS = VmHWM of the JVM (the largest child's, cold)");
    }

    private static String spans(EndToEnd e, Split sp) {
        return String.format(Locale.ROOT, "end to end %.1f s (cpu %.1f s), worker-only %.1f s (cpu %.1f s), loader-only"
                + " %.1f s (cpu %.1f s)", e.total / 1e9, e.cpu / 1e9, sp.worker / 1e9, sp.workerCpu / 1e9,
                sp.loader / 1e9, sp.loaderCpu / 1e9);
    }

    private static void report(String name, String how, EndToEnd e2e, Split split, long slices, long rows,
                               long peakRss) {
        System.out.printf(Locale.ROOT, "%s end to end: launch to complete %.1f s; first manifest loaded at +%.1f s, last"
                        + " slice committed at +%.1f s, %d of %d slices already loaded then: %s%n", name,
                e2e.total / 1e9, e2e.firstLoaded / 1e9, e2e.lastCommitted / 1e9, e2e.loadedAtLastCommit, slices,
                e2e.firstLoaded < e2e.lastCommitted ? "the stages overlap" : "NO overlap");
        System.out.printf(Locale.ROOT, "%s cpu: end to end %.1f s, worker-only %.1f s + loader-only %.1f s = %.1f s of"
                        + " %d cores' time%n", name, e2e.cpu / 1e9, split.workerCpu / 1e9, split.loaderCpu / 1e9,
                (split.workerCpu + split.loaderCpu) / 1e9, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%s: %,.0f rows/s end to end, worker-only %,.0f rows/s, ratio %.2f, loader-only"
                        + " %,.0f rows/s, peak RSS %d MB (%s)%n", name, rows / (e2e.total / 1e9),
                rows / (split.worker / 1e9), (double) split.worker / e2e.total, rows / (split.loader / 1e9),
                peakRss, how);
    }

    /** Runs one span in a fresh JVM with this JVM's options (plus {@code extra}); returns its figures. */
    private static long[] child(String kind, Path dir, List<String> options, List<String> extra) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(extra);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Bench.class.getName(), "demo",
                "--span", kind, "--dir", dir.toString()));
        command.addAll(options);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long[] figures = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("demo-span: " + kind + " ")) {
                    String[] words = line.substring(("demo-span: " + kind + " ").length()).split(" ");
                    figures = new long[words.length];
                    for (int i = 0; i < words.length; i++) {
                        figures[i] = Long.parseLong(words[i]);
                    }
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        if (process.waitFor() != 0 || figures == null) {
            throw new IllegalStateException("demo span " + kind + " failed:\n" + output);
        }
        return figures;
    }

    /** Nanoseconds; {@code cpu}: this process's CPU time over the span (all threads, DuckDB's and the emulators'). */
    private record EndToEnd(Plan plan, long total, long firstLoaded, long lastCommitted, long loadedAtLastCommit,
                            long cpu) {
    }

    private record Split(Plan plan, long worker, long loader, long workerCpu, long loaderCpu) {
        /** The faster worker span and the faster loader span of the two, each with its own CPU time. */
        Split best(Split other) {
            boolean w = worker <= other.worker;
            boolean l = loader <= other.loader;
            return new Split(plan, w ? worker : other.worker, l ? loader : other.loader,
                    w ? workerCpu : other.workerCpu, l ? loaderCpu : other.loaderCpu);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static EndToEnd endToEnd(Path dir, SyncSpec spec, Instant syncTime, int workerConcurrency,
                                     EventSourceMapping loader, String syncId) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)));
             Warehouse warehouse = warehouse(runtime)) {
            Committed committed = new Committed();
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER.withMaxConcurrency(workerConcurrency),
                    settings -> committed.counting(new WorkerHandler(settings)));
            runtime.attach(runtime.queues().load(), loader, LoaderHandler::new);
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            Instant started = Instant.now();
            Plan plan = DemoSync.launch(runtime, spec, syncTime, Optional.of(syncId), false, n -> { }).plan();
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
                            nanos(started, status.firstLoadedAt()), lastCommitted, loadedAtLastCommit,
                            cpuNanos() - cpuStart);
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private static Split split(Path dir, SyncSpec spec, Instant syncTime, int workerConcurrency,
                               EventSourceMapping loader, String syncId) throws Exception {
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)));
             Warehouse warehouse = warehouse(runtime)) {
            Committed committed = new Committed();
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER.withMaxConcurrency(workerConcurrency),
                    settings -> committed.counting(new WorkerHandler(settings)));
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            Plan plan = DemoSync.launch(runtime, spec, syncTime, Optional.of(syncId), false, n -> { }).plan();
            while (committed.slices.get() < plan.slices()) {
                Thread.sleep(10);
            }
            long worker = committed.lastAt.get() - start;
            long cpuWorker = cpuNanos();

            Instant loaderStart = Instant.now();
            runtime.attach(runtime.queues().load(), loader, LoaderHandler::new);
            SyncStatus status;
            while (!(status = status(warehouse, plan.syncId())).complete()) {
                Thread.sleep(POLL_MILLIS);
            }
            return new Split(plan, worker, nanos(loaderStart, status.lastLoadedAt()), cpuWorker - cpuStart,
                    cpuNanos() - cpuWorker);
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

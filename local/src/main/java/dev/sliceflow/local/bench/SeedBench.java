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
import dev.sliceflow.local.runtime.SqsPoller;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticTables;
import dev.sliceflow.worker.WorkerHandler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The seed's own comparison ("Scaling out ELT pipelines with CloudQuery and CSV"): the architecture it replaces
 * against the one it proposes, on the same synthetic slices, side by side in one run, for each worker count N:
 * <ul>
 *   <li><b>direct</b> ({@link DirectWriter}): N workers, one connection each, writing their slices straight into
 *       PostgreSQL as a database destination plugin does, by COPY FROM STDIN ({@code direct-copy}) and by
 *       multi-row INSERTs ({@code direct-insert}), one transaction per slice replacing its previous rows;</li>
 *   <li><b>staged</b>: the same N workers running sliceflow's real worker handler, staging CSV parts and manifests in
 *       the embedded S3, and sliceflow's real loader handler loading them at a capped concurrency ({@code --loaders}),
 *       fed through local mode's pollers with the loader's own event source mapping ({@link LocalRuntime#LOADER}:
 *       its batch size, and whatever else it gains) exactly as the demo runs it.</li>
 * </ul>
 * Then again with the pipeline's connections capped below N ({@code --max-connections}). Every pipeline connection
 * (direct workers, loaders) logs in as one role, {@value SeedDatabase#ROLE}, whose CONNECTION LIMIT is the cap: a
 * connection over it is refused with SQLSTATE 53300, as one over the server's max_connections is, without restarting
 * the cluster between runs; the bench's probes log in as the superuser, outside the cap.
 *
 * <p>Per run: the time from the start until the last slice is committed in the database (the direct workers' last
 * commit; the return of the loader's last invocation that loaded something), then a count query in that database
 * confirms what is queryable; the peak of the role's connections in pg_stat_activity (polled every 50 ms); the
 * cluster's CPU seconds from /proc ({@link SeedDatabase.ClusterCpu}: the postmaster's reaped children included, so
 * backends that came and went count); this JVM's CPU seconds (workers, S3 and SQS emulators, loaders, JDBC: the
 * client side); rows loaded and failed slices (a slice is complete when each of its tables holds exactly the rows it
 * should). Each run gets a fresh database; the runs of one N must hold equal rows (a checksum of every row of every
 * table), or the bench fails.
 *
 * <pre>
 * bench/run seed [--workers 16,64] [--max-connections 8,20] [--slices 256] [--rows 1000] [--loaders 2]
 *                [--direct copy,insert] [--insert-rows 500] [--tries 3] [--timeout 600] [--dir target/bench-seed]
 *                --postgres-url jdbc:postgresql://127.0.0.1:5432/postgres --postgres-user postgres
 * </pre>
 * Ends with one line per N and cap: {@code seed: workers <N>, max_connections <M>, direct <s> s, direct failed
 * <slices>, staged <s> s, staged failed <slices>, db-cpu direct <s> s, staged <s> s, peak connections ...}, where
 * {@code direct} is the first {@code --direct} mode (COPY by default) and the other mode's figures follow; M is the
 * server's max_connections when uncapped.
 */
public final class SeedBench {
    private static final long SEED = 1;
    private static final List<TableSchema> TABLES = SyntheticTables.ALL;

    private SeedBench() {
    }

    /** The options; list options take one value per --workers entry, or one for all. */
    record Options(List<Integer> workers, List<Integer> maxConnections, int slices, long rows, int loaders,
                   List<DirectWriter.Mode> direct, int insertRows, int tries, Duration timeout, Path dir,
                   String postgresUrl, String postgresUser, String postgresPassword) {

        static Options parse(String[] args) {
            List<Integer> workers = List.of(16, 64);
            List<Integer> maxConnections = List.of(8, 20);
            int slices = 256;
            long rows = 1000;
            int loaders = 2;
            List<DirectWriter.Mode> direct = List.of(DirectWriter.Mode.COPY, DirectWriter.Mode.INSERT);
            int insertRows = 500;
            int tries = 3;
            Duration timeout = Duration.ofSeconds(600);
            Path dir = Path.of("target/bench-seed");
            String url = null;
            String user = "postgres";
            String password = null;
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--workers" -> workers = ints(value);
                    case "--max-connections" -> maxConnections = ints(value);
                    case "--slices" -> slices = Integer.parseInt(value);
                    case "--rows" -> rows = Long.parseLong(value);
                    case "--loaders" -> loaders = Integer.parseInt(value);
                    case "--direct" -> direct = Arrays.stream(value.split(","))
                            .map(s -> DirectWriter.Mode.valueOf(s.strip().toUpperCase(Locale.ROOT))).toList();
                    case "--insert-rows" -> insertRows = Integer.parseInt(value);
                    case "--tries" -> tries = Integer.parseInt(value);
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value));
                    case "--dir" -> dir = Path.of(value);
                    case "--postgres-url" -> url = value;
                    case "--postgres-user" -> user = value;
                    case "--postgres-password" -> password = value;
                    default -> throw new IllegalArgumentException("unknown option " + option + "; known: --workers,"
                            + " --max-connections, --slices, --rows, --loaders, --direct, --insert-rows, --tries,"
                            + " --timeout, --dir, --postgres-url, --postgres-user, --postgres-password");
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("the seed bench needs a PostgreSQL server: bench/run seed starts a"
                        + " throwaway cluster (apt-get install postgresql), or pass --postgres-url");
            }
            if (maxConnections.size() != 1 && maxConnections.size() != workers.size()) {
                throw new IllegalArgumentException("--max-connections takes one value, or one per --workers value");
            }
            if (slices < 1 || rows < 1 || loaders < 1 || tries < 1 || insertRows < 1 || direct.isEmpty()
                    || workers.stream().anyMatch(n -> n < 1)) {
                throw new IllegalArgumentException("--slices, --rows, --loaders, --tries, --insert-rows and every"
                        + " --workers value must be at least 1, and --direct names copy and/or insert");
            }
            return new Options(workers, maxConnections, slices, rows, loaders, direct, insertRows, tries, timeout,
                    dir, url, user, password);
        }

        int cap(int index) {
            return maxConnections.get(maxConnections.size() == 1 ? 0 : index);
        }

        private static List<Integer> ints(String value) {
            return Arrays.stream(value.split(",")).map(String::strip).map(Integer::valueOf).toList();
        }
    }

    /**
     * One run of one path.
     *
     * @param path            direct-copy, direct-insert or staged
     * @param workers         N
     * @param cap             the role's connection limit, -1 for none
     * @param seconds         start to the last slice committed (-1: nothing committed)
     * @param contents        what the database holds afterwards
     * @param expectedRows    slices x tables x rows
     * @param failedSlices    slices not complete in the database
     * @param peakConnections the role's peak connections
     * @param dbCpu           the cluster's CPU seconds over the run (NaN when the server is not local)
     * @param clientCpu       this JVM's CPU seconds over the run
     * @param load            the 1-minute load average when the run started
     * @param note            what else happened: refused workers, retries, errors, redeliveries, DLQ
     */
    record Run(String path, int workers, int cap, double seconds, SeedDatabase.Contents contents, long expectedRows,
               long failedSlices, int peakConnections, double dbCpu, double clientCpu, String load, String note) {
    }

    public static void main(String[] args) throws Exception {
        long began = System.nanoTime();
        Options options = Options.parse(args);
        Workload workload = Workload.of(options.slices(), options.rows());
        Workload warmUp = Workload.of(8, 100);
        BenchSupport.deleteRecursively(options.dir());
        Files.createDirectories(options.dir());

        try (SeedDatabase db = SeedDatabase.open(options.postgresUrl(), options.postgresUser(),
                options.postgresPassword())) {
            int serverMax = db.maxConnections();
            int needed = options.workers().stream().mapToInt(Integer::intValue).max().orElseThrow() + 8;
            if (serverMax < needed) {
                throw new IllegalStateException("the server's max_connections is " + serverMax + ": the largest N needs"
                        + " about " + needed + " (N workers, loaders, probes); start it with -c max_connections="
                        + needed);
            }
            Optional<SeedDatabase.ClusterCpu> cpu = db.clusterCpu();
            System.out.printf(Locale.ROOT, "seed bench: %d slices (%d accounts x %d regions) x %d tables x %,d rows ="
                            + " %,d rows per run; PostgreSQL %s, server max_connections %d; loaders %d; direct %s;"
                            + " %d cores; load average %s%n", workload.slices().size(),
                    workload.spec().accounts().list().size(), workload.spec().regions().size(), TABLES.size(),
                    workload.rows(), workload.expectedRows(), db.version(), serverMax, options.loaders(),
                    options.direct().stream().map(DirectWriter.Mode::label).collect(Collectors.joining(", ")),
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            // the whole mapping, so a later run shows what the loader was fed with (batch size, and what it gains)
            System.out.println("staged: worker " + LocalRuntime.WORKER + " at max concurrency N; loader "
                    + loaderMapping(options));
            String cpuSource = cpu.map(c -> " (postmaster pid " + c.postmasterPid() + ")")
                    .orElse(" (not available: the server is not a local process)");
            System.out.println("method: each run on a fresh database of the same cluster; the pipeline's connections"
                    + " log in as role " + SeedDatabase.ROLE + " (max_connections M below = its CONNECTION LIMIT M,"
                    + " refused like the server's max_connections, SQLSTATE 53300); time = start to the last slice"
                    + " committed (direct: the last worker commit; staged: from plan + enqueue to the return of the"
                    + " loader's last invocation that loaded something), then a count query confirms what is"
                    + " queryable; peak connections = the role's in pg_stat_activity every 50 ms; db-cpu = the"
                    + " cluster's utime+stime from /proc (the postmaster, its reaped children's cutime+cstime, its"
                    + " live children)" + cpuSource + "; client-cpu = this JVM (workers, S3 and SQS emulators,"
                    + " loaders); failed = slices not complete in the database; direct: " + options.tries()
                    + " tries to connect and per slice, 200 ms backoff doubling");

            // the first run of each path would otherwise also pay for loading and compiling its code
            for (DirectWriter.Mode mode : options.direct()) {
                direct(options, db, cpu, warmUp, mode, 4, -1);
            }
            staged(options, db, cpu, warmUp, 4, -1);
            System.out.printf(Locale.ROOT, "warm-up: every path once on %d slices x %d rows, not reported%n",
                    warmUp.slices().size(), warmUp.rows());

            List<String> summaries = new ArrayList<>();
            for (int i = 0; i < options.workers().size(); i++) {
                int n = options.workers().get(i);
                List<Integer> caps = new ArrayList<>(List.of(-1));
                if (options.cap(i) < n) {
                    caps.add(options.cap(i));
                } else {
                    System.out.printf(Locale.ROOT, "workers %d: max_connections %d is not below N: no capped run%n", n,
                            options.cap(i));
                }
                for (int cap : caps) {
                    List<Run> runs = new ArrayList<>();
                    for (DirectWriter.Mode mode : options.direct()) {
                        runs.add(print(direct(options, db, cpu, workload, mode, n, cap)));
                    }
                    runs.add(print(staged(options, db, cpu, workload, n, cap)));
                    System.out.println(check(runs));
                    summaries.add(summary(runs, cap < 0 ? serverMax : cap));
                }
            }
            System.out.printf(Locale.ROOT, "seed bench took %.1f min; load average at the end: %s%n",
                    (System.nanoTime() - began) / 60e9, loadAverage());
            summaries.forEach(System.out::println);
        }
    }

    private static Run direct(Options options, SeedDatabase db, Optional<SeedDatabase.ClusterCpu> cpu,
                              Workload workload, DirectWriter.Mode mode, int workers, int cap) throws Exception {
        List<DirectWriter.Slice> slices = workload.slices();
        String database = "seed_" + mode.label().replace('-', '_');
        prepare(db, database, cap);
        Instant syncTime = Instant.now();
        String syncId = "seed-" + mode.label() + "-" + workers;
        DirectWriter writer = new DirectWriter(() -> db.connectAsRole(database, "seed-" + mode.label()), TABLES,
                mode, workload.rows(), SEED, options.insertRows(), options.tries(), syncId, syncTime,
                SyntheticSourceFactory.KIND);
        String load = loadAverage();
        Measure measure = Measure.start(db, cpu);
        DirectWriter.Result result = writer.run(slices, workers);
        Measure.Done done = measure.stop();
        SeedDatabase.Contents contents = db.contents(database, TABLES, workload.rows());
        String note = String.format(Locale.ROOT, "workers refused %d, retries %d%s", result.refusedWorkers(),
                result.retries(), errors(result.errors()));
        if (result.failedSlices() != slices.size() - contents.slicesComplete()) {
            note += String.format(Locale.ROOT, "; the workers report %d failed slices", result.failedSlices());
        }
        return new Run(mode.label(), workers, cap, result.lastCommit() < 0 ? -1
                : (result.lastCommit() - result.start()) / 1e9,
                contents, workload.expectedRows(), slices.size() - contents.slicesComplete(), done.peakConnections(),
                done.dbCpu(), done.clientCpu(), load, note);
    }

    private static Run staged(Options options, SeedDatabase db, Optional<SeedDatabase.ClusterCpu> cpu,
                              Workload workload, int workers, int cap) throws Exception {
        String database = "seed_staged";
        prepare(db, database, cap);
        Path dir = options.dir().resolve("staged-" + workers + "-" + (cap < 0 ? "all" : cap));
        try (LocalRuntime runtime = LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir)))) {
            Map<String, String> warehouse = new HashMap<>();
            warehouse.put("SLICEFLOW_WAREHOUSE_URL", db.url(database));
            warehouse.put("SLICEFLOW_WAREHOUSE_USER", SeedDatabase.ROLE);
            warehouse.put("SLICEFLOW_WAREHOUSE_PASSWORD", db.rolePassword());
            Commits loaded = new Commits();
            Commits stagedSlices = new Commits();
            SqsPoller loader = runtime.attach(runtime.queues().load(), loaderMapping(options), settings -> {
                        Map<String, String> env = new HashMap<>(warehouse);
                        env.put("SLICEFLOW_WORK_DIR", settings.workDir().toString());
                        return loaded.counting(new LoaderHandler(runtime.settings(env)));
                    });
            runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER.withMaxConcurrency(workers),
                    settings -> stagedSlices.counting(new WorkerHandler(settings)));
            // the bucket's s3:TestEvent reaches the loader first; the span starts once it is gone
            if (!runtime.awaitIdle(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the local runtime is not idle 60 s after it started");
            }
            String load = loadAverage();
            Measure measure = Measure.start(db, cpu);
            SqsPoller.Stats before = loader.stats();
            long start = System.nanoTime();
            loaded.since(start);
            stagedSlices.since(start);
            DemoSync.launch(runtime, workload.spec(), Instant.now(), Optional.of("seed-staged-" + workers + "-"
                    + (cap < 0 ? "all" : cap)), false, sent -> { });
            boolean idle = runtime.awaitIdle(options.timeout());
            Measure.Done done = measure.stop();
            long last = loaded.last();
            SeedDatabase.Contents contents = db.contents(database, TABLES, workload.rows());
            SqsPoller.Stats stats = loader.stats();
            // S3 events are at least once: records beyond one per slice are duplicates the ledger skipped
            String note = String.format(Locale.ROOT, "last slice staged (manifest written) at %s, loader invocations %d"
                            + " (records done %d for %d slices), records redelivered %d, load DLQ %d, sync DLQ %d%s",
                    seconds(stagedSlices.last() < 0 ? -1 : (stagedSlices.last() - start) / 1e9),
                    stats.invocations() - before.invocations(), stats.deletedRecords() - before.deletedRecords(),
                    workload.slices().size(), stats.failedRecords() - before.failedRecords(),
                    runtime.messages(runtime.queues().loadDlq()), runtime.messages(runtime.queues().syncDlq()),
                    idle ? "" : "; NOT idle after " + options.timeout().toSeconds() + " s");
            return new Run("staged", workers, cap, last < 0 ? -1 : (last - start) / 1e9, contents,
                    workload.expectedRows(), workload.slices().size() - contents.slicesComplete(),
                    done.peakConnections(), done.dbCpu(), done.clientCpu(), load, note);
        } finally {
            BenchSupport.deleteRecursively(dir);
        }
    }

    /**
     * The slices both paths sync: the demo's spec (accounts from 100000000001 up, its regions, every synthetic table,
     * replace mode) over at most 4 regions, and the same (account, region) pairs for the direct workers.
     */
    record Workload(SyncSpec spec, List<DirectWriter.Slice> slices, long rows) {
        static Workload of(int slices, long rows) {
            // exactly the slices asked for: the most regions (up to 4) that divide them
            int regions = 4;
            while (slices % regions != 0) {
                regions--;
            }
            SyncSpec spec = DemoSync.spec(slices / regions, regions, rows, SEED);
            List<DirectWriter.Slice> pairs = new ArrayList<>();
            for (String account : spec.accounts().list()) {
                for (String region : spec.regions()) {
                    pairs.add(new DirectWriter.Slice(account, region));
                }
            }
            return new Workload(spec, List.copyOf(pairs), rows);
        }

        long expectedRows() {
            return slices.size() * TABLES.size() * rows;
        }
    }

    /**
     * The loader's own mapping at {@code --loaders}. Its timeout drops to 4 min so that a batching window, whatever
     * the mapping gains, still fits under the load queue's 5 min visibility timeout (local mode refuses a mapping whose
     * timeout plus window exceeds it, as Lambda does); a batch here takes seconds, never minutes.
     */
    private static EventSourceMapping loaderMapping(Options options) {
        return LocalRuntime.LOADER.withMaxConcurrency(options.loaders()).withTimeout(Duration.ofMinutes(4));
    }

    /** A fresh database, no connection of the role left from the run before, and the run's cap. */
    private static void prepare(SeedDatabase db, String database, int cap) throws Exception {
        db.awaitNoRoleConnections();
        db.recreate(database);
        db.limit(cap);
    }

    private static Run print(Run run) {
        System.out.printf(Locale.ROOT, "%-13s workers %d, max_connections %s: %s to the last commit, rows %,d of"
                        + " %,d queryable, slices failed %d, peak connections %d, db-cpu %s, client-cpu %.1f s, load"
                        + " average %s at start; %s%n", run.path(), run.workers(),
                run.cap() < 0 ? "server" : Integer.toString(run.cap()), seconds(run.seconds()),
                run.contents().totalRows(), run.expectedRows(),
                run.failedSlices(), run.peakConnections(), cpuSeconds(run.dbCpu()), run.clientCpu(), run.load(),
                run.note());
        return run;
    }

    /** The runs of one N and cap must have written the same rows wherever all their slices landed. */
    private static String check(List<Run> runs) {
        List<Run> complete = runs.stream().filter(r -> r.failedSlices() == 0).toList();
        if (complete.size() < 2) {
            return "check: fewer than two runs loaded every slice: nothing to compare";
        }
        Map<String, String> reference = complete.get(0).contents().checksums();
        for (Run run : complete) {
            if (!run.contents().checksums().equals(reference)) {
                throw new IllegalStateException("the runs did not write the same rows: " + complete.get(0).path()
                        + " " + reference + " vs " + run.path() + " " + run.contents().checksums());
            }
        }
        return "check: " + complete.stream().map(Run::path).collect(Collectors.joining(", ")) + " hold the same rows"
                + " (every row of every table: count and checksum " + reference + ")";
    }

    private static String summary(List<Run> runs, int maxConnections) {
        Run direct = runs.get(0);
        Run staged = runs.get(runs.size() - 1);
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "seed: workers %d, max_connections %d,"
                        + " direct %s, direct failed %d, staged %s, staged failed %d, db-cpu direct %s, staged %s",
                direct.workers(), maxConnections, seconds(direct.seconds()), direct.failedSlices(),
                seconds(staged.seconds()), staged.failedSlices(), cpuSeconds(direct.dbCpu()),
                cpuSeconds(staged.dbCpu())));
        line.append(String.format(Locale.ROOT, ", peak connections direct %d, staged %d, rows direct %d, staged %d",
                direct.peakConnections(), staged.peakConnections(), direct.contents().totalRows(),
                staged.contents().totalRows()));
        line.append(" (direct = ").append(direct.path());
        for (Run other : runs.subList(1, runs.size() - 1)) {
            line.append(String.format(Locale.ROOT, "; %s %s, failed %d, db-cpu %s, peak connections %d",
                    other.path(), seconds(other.seconds()), other.failedSlices(), cpuSeconds(other.dbCpu()),
                    other.peakConnections()));
        }
        return line.append(')').toString();
    }

    private static String seconds(double seconds) {
        return seconds < 0 ? "never" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String cpuSeconds(double seconds) {
        return Double.isNaN(seconds) ? "n/a" : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    private static String errors(Map<String, Integer> errors) {
        if (errors.isEmpty()) {
            return "";
        }
        return "; errors: " + errors.entrySet().stream().map(e -> e.getValue() + " x " + e.getKey())
                .collect(Collectors.joining("; "));
    }

    /** The first three fields of /proc/loadavg (1, 5, 15 minutes), or "n/a". */
    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The probes of one run: peak connections, the cluster's CPU and this JVM's. */
    private record Measure(SeedDatabase.PeakConnections connections, Optional<SeedDatabase.ClusterCpu> cpu,
                           double dbBefore, long clientBefore) {
        record Done(int peakConnections, double dbCpu, double clientCpu) {
        }

        static Measure start(SeedDatabase db, Optional<SeedDatabase.ClusterCpu> cpu) throws Exception {
            double before = cpu.isPresent() ? cpu.get().seconds() : Double.NaN;
            return new Measure(db.peakConnections(), cpu, before, clientCpu());
        }

        Done stop() throws Exception {
            double after = cpu.isPresent() ? cpu.get().seconds() : Double.NaN;
            long client = clientCpu();
            connections.close();
            return new Done(connections.peak(), after - dbBefore, (client - clientBefore) / 1e9);
        }

        private static long clientCpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }
    }

    /**
     * Wraps each worker or loader handler: when the last invocation since the start that committed something (a
     * slice staged, a manifest loaded) returned.
     */
    private static final class Commits {
        private final AtomicLong since = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong last = new AtomicLong(-1);

        void since(long start) {
            since.set(start);
        }

        long last() {
            return last.get();
        }

        RequestHandler<SQSEvent, SQSBatchResponse> counting(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
            return new Counting(handler);
        }

        /** AutoCloseable like the loader itself, so the poller closes the loader's connection at the end. */
        private final class Counting implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
            private final RequestHandler<SQSEvent, SQSBatchResponse> handler;

            Counting(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
                this.handler = handler;
            }

            @Override
            public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
                long started = System.nanoTime();
                SQSBatchResponse response = handler.handleRequest(event, context);
                int failed = response == null || response.getBatchItemFailures() == null ? 0
                        : response.getBatchItemFailures().size();
                // a batch with some records left for redelivery still committed the others
                if (failed < event.getRecords().size() && started >= since.get()) {
                    last.accumulateAndGet(System.nanoTime(), Math::max);
                }
                return response;
            }

            @Override
            public void close() throws Exception {
                if (handler instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }
    }
}

package dev.sliceflow.local.cli;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.HandlerFactory;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.local.runtime.SqsPoller;
import dev.sliceflow.planner.SyncLauncher;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.Warehouses;
import dev.sliceflow.worker.WorkerHandler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sliceflow demo}: the whole pipeline once, on this machine. Starts the local stack on free ports, attaches the
 * real worker and loader, plans and enqueues a synthetic sync through the planner, shows its progress until the
 * warehouse reports it complete, prints a summary and a sample query, and stops everything.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run one synthetic sync end to end: the local stack (S3, SQS), the real worker and loader, "
                + "a plan of ACCOUNTS x REGIONS slices of every synthetic table, loaded into DuckDB (DIR/warehouse.duckdb) "
                + "or PostgreSQL (--warehouse). Prints progress, a summary and a sample query; exits 0 once the "
                + "warehouse has every slice.",
                "Running it again with the same --sync-id on the same --dir loads nothing twice."})
final class DemoCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dir;

    @Option(names = "--accounts", defaultValue = "50", description = "Accounts (default: ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--regions", defaultValue = "3", description = "Regions per account, 1..17 "
            + "(default: ${DEFAULT-VALUE}).")
    int regions;

    @Option(names = "--rows-per-table", defaultValue = "1000", paramLabel = "N",
            description = "Rows of each synthetic table in each slice (default: ${DEFAULT-VALUE}).")
    long rowsPerTable;

    @Option(names = "--seed", defaultValue = "1", description = "The synthetic source's seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--sync-id", paramLabel = "ID", description = "The sync id; default demo-<yyyyMMddTHHmmssZ>. "
            + "Reuse it to see that a second run loads nothing twice.")
    String syncId;

    @Option(names = "--warehouse", paramLabel = "JDBC_URL", description = "Load into this warehouse instead of "
            + "DIR/warehouse.duckdb, e.g. jdbc:postgresql://127.0.0.1:5432/postgres (password from "
            + "SLICEFLOW_WAREHOUSE_PASSWORD).")
    String warehouse;

    @Option(names = "--warehouse-user", paramLabel = "USER", description = "The warehouse user (with --warehouse).")
    String warehouseUser;

    @Mixin
    LoadBatchingOptions loadBatching;

    @Option(names = "--worker-concurrency", defaultValue = "2",
            description = "Concurrent worker invocations (default: ${DEFAULT-VALUE}).")
    int workerConcurrency;

    @Option(names = "--timeout", defaultValue = "1800", paramLabel = "SECONDS",
            description = "Give up (exit 1) if the sync is not loaded by then (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--progress", defaultValue = "auto", paramLabel = "auto|bar|lines",
            description = "A bar redrawn in place (on a terminal, the default) or a line every 5 s.")
    String progress;

    @Option(names = "--verbose", description = "Log every slice and load (INFO) to stderr; by default only warnings.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    /** slf4j-simple reads a logger's level when the logger is made: before the runtime and handlers make theirs. */
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.sliceflow";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, verbose ? "info" : "warn");
        }
        SyncSpec syncSpec = DemoSync.spec(accounts, regions, rowsPerTable, seed);
        if (workerConcurrency < 1) {
            throw new IllegalStateException("--worker-concurrency must be at least 1, not " + workerConcurrency);
        }
        Optional<String> explicitId = Optional.ofNullable(syncId).map(Identifiers::syncId);
        long start = System.nanoTime();
        Path dataDir = dir.dir();
        StaleTempFiles.clean(dataDir, out);
        LocalRuntimeConfig config = LocalRuntimeConfig.defaults(Optional.of(dataDir));
        LocalRuntime runtime = LocalRuntime.start(config);
        Thread closeOnExit = new Thread(runtime::close, "sliceflow-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(closeOnExit);
        try {
            return run(out, runtime, syncSpec, explicitId, start);
        } finally {
            runtime.close();
            try {
                Runtime.getRuntime().removeShutdownHook(closeOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it closes the runtime again, which is idempotent
            }
        }
    }

    private int run(PrintWriter out, LocalRuntime runtime, SyncSpec syncSpec, Optional<String> explicitId, long start)
            throws Exception {
        Map<String, String> warehouseSettings = warehouseSettings(runtime);
        WarehouseConfig warehouseConfig = new WarehouseConfig(warehouseSettings.get("SLICEFLOW_WAREHOUSE_URL"),
                Optional.ofNullable(warehouseSettings.get("SLICEFLOW_WAREHOUSE_USER")),
                Optional.ofNullable(warehouseSettings.get("SLICEFLOW_WAREHOUSE_PASSWORD")));
        out.printf("sliceflow demo: local stack up in %.1f s (S3 %s, SQS %s), data in %s%n",
                runtime.startup().toMillis() / 1000.0, runtime.s3Endpoint(), runtime.sqsEndpoint(), dir.dir());
        out.printf("  warehouse %s%n", dev.sliceflow.lake.catalog.LakeUrl.redacted(warehouseConfig.url()));

        runtime.attach(runtime.queues().sync(), LocalRuntime.WORKER.withMaxConcurrency(workerConcurrency),
                (HandlerFactory) WorkerHandler::new);
        EventSourceMapping loader = loadBatching.apply(LocalRuntime.LOADER);
        out.printf("  loader    batches of up to %d manifests, gathered for up to %d s%n", loader.batchSize(),
                loader.batchWindow().toSeconds());
        runtime.attach(runtime.queues().load(), loader, settings -> new LoaderHandler(runtime.settings(
                with(warehouseSettings, "SLICEFLOW_WORK_DIR", settings.workDir().toString()))));

        Instant syncTime = Instant.now();
        SyncLauncher.Launch launch = DemoSync.launch(runtime, syncSpec, syncTime, explicitId, false, sent -> { });
        String id = launch.plan().syncId();
        try (Warehouse status = Warehouses.open(warehouseConfig)) {
            if (launch.alreadyEnqueued()) {
                Optional<SyncStatus> before = statusOf(status, id);
                if (before.isPresent() && before.get().complete()) {
                    out.printf("  sync %s was loaded before (%s): nothing enqueued, nothing loaded again%n", id,
                            before.get().lastLoadedAt());
                } else {
                    // enqueued by an earlier run that stopped before the end (queues do not outlive a run): send
                    // every slice again, at the sync time of the first run: what is already loaded is replaced by the same rows
                    Instant firstTime = DemoSync.plannedSyncTime(runtime, id).orElse(syncTime);
                    launch = DemoSync.launch(runtime, syncSpec, firstTime, Optional.of(id), true, sent -> { });
                    out.printf("  sync %s was enqueued before but is not loaded: enqueued its %d slices again%n", id,
                            launch.sent());
                }
            } else {
                out.printf("  sync %s: %d accounts x %d regions = %d slices x %d tables (%s), %,d rows per table%n",
                        id, launch.plan().accounts().size(), launch.plan().regions().size(), launch.plan().slices(),
                        launch.plan().tables().size(), String.join(", ", launch.plan().tables()), rowsPerTable);
            }
            out.flush();
            Optional<SyncStatus> done = launch.sent() == 0 && statusOf(status, id).map(SyncStatus::complete)
                    .orElse(false) ? statusOf(status, id) : await(out, runtime, status, id, launch.plan().slices(), start);
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            DemoSync.Committed committed = new DemoSync.CommittedProbe(runtime, id).read();
            summary(out, runtime, id, launch, done, committed, wall);
            if (done.isPresent() && done.get().complete()) {
                sample(out, warehouseConfig, dir.dir(), id, launch.plan().tables());
                out.flush();
                return 0;
            }
            out.flush();
            return 1;
        }
    }

    /** The loader's warehouse settings: DuckDB in DIR unless --warehouse. */
    private Map<String, String> warehouseSettings(LocalRuntime runtime) {
        Map<String, String> settings = new HashMap<>();
        if (warehouse == null) {
            settings.put("SLICEFLOW_WAREHOUSE_URL", runtime.environment().get("SLICEFLOW_WAREHOUSE_URL"));
            return settings;
        }
        if (warehouse.equals(dev.sliceflow.local.lake.LocalLake.NAME)) {
            settings.put("SLICEFLOW_WAREHOUSE_URL", dev.sliceflow.local.lake.LocalLake.url(dir.dir(), runtime));
            return settings;
        }
        if (!warehouse.startsWith("jdbc:")) {
            throw new IllegalStateException("--warehouse must be a JDBC URL such as jdbc:postgresql://host:5432/db, "
                    + "or iceberg (a lake in DIR), not " + Identifiers.printable(warehouse));
        }
        settings.put("SLICEFLOW_WAREHOUSE_URL", warehouse);
        if (warehouseUser != null) {
            settings.put("SLICEFLOW_WAREHOUSE_USER", warehouseUser);
        }
        String password = System.getenv("SLICEFLOW_WAREHOUSE_PASSWORD");
        if (password != null) {
            settings.put("SLICEFLOW_WAREHOUSE_PASSWORD", password);
        }
        return settings;
    }

    private static Map<String, String> with(Map<String, String> map, String key, String value) {
        Map<String, String> copy = new HashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    private static Optional<SyncStatus> statusOf(Warehouse warehouse, String syncId) {
        return warehouse.syncStatus(Optional.of(syncId)).stream().findFirst();
    }

    /**
     * Shows progress until the warehouse reports the sync complete and the queues are idle; gives up at the timeout,
     * or when nothing is left to run (queues empty, no invocation running) and the sync is still not complete
     * (its slices went to a dead-letter queue).
     */
    private Optional<SyncStatus> await(PrintWriter out, LocalRuntime runtime, Warehouse warehouse, String syncId,
                                       long slices, long start) throws InterruptedException {
        boolean terminal = switch (progress) {
            case "bar" -> true;
            case "lines" -> false;
            case "auto" -> onTerminal();
            default -> throw new IllegalStateException("--progress must be auto, bar or lines, not " + progress);
        };
        ProgressBar bar = new ProgressBar(out, terminal, slices, Duration.ofSeconds(5));
        DemoSync.CommittedProbe probe = new DemoSync.CommittedProbe(runtime, syncId);
        long syncStart = System.nanoTime();
        long deadline = syncStart + Duration.ofSeconds(timeoutSeconds).toNanos();
        int idleChecks = 0;
        Optional<SyncStatus> status = Optional.empty();
        ProgressBar.Reading reading = null;
        while (true) {
            status = statusOf(warehouse, syncId);
            DemoSync.Committed committed = probe.read();
            reading = new ProgressBar.Reading(committed.slices(), status.map(SyncStatus::slicesLoaded).orElse(0L),
                    committed.rows(), status.map(SyncStatus::rowsLoaded).orElse(0L), committed.bytes(),
                    Duration.ofNanos(System.nanoTime() - syncStart));
            if (status.isPresent() && status.get().complete()) {
                break;
            }
            idleChecks = runtime.idle() ? idleChecks + 1 : 0;
            if (idleChecks >= 3) {
                bar.finish(reading);
                out.println("nothing left to run but the sync is not complete: see the dead-letter queues below");
                return status;
            }
            if (System.nanoTime() > deadline) {
                bar.finish(reading);
                out.printf("the sync is not loaded after %d s (--timeout)%n", timeoutSeconds);
                return status;
            }
            bar.update(reading);
            Thread.sleep(500);
        }
        bar.finish(reading);
        runtime.awaitIdle(Duration.ofSeconds(30));
        return status;
    }

    /**
     * Whether stdout is a terminal. From JDK 22 System.console() is not null when redirected, and Console.isTerminal()
     * (which the release-21 API lacks) tells.
     */
    private static boolean onTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private static void summary(PrintWriter out, LocalRuntime runtime, String syncId, SyncLauncher.Launch launch,
                                Optional<SyncStatus> status, DemoSync.Committed committed, Duration wall) {
        long syncDlq = runtime.messages(runtime.queues().syncDlq());
        long loadDlq = runtime.messages(runtime.queues().loadDlq());
        long failedInvocations = runtime.pollers().stream().mapToLong(p -> p.stats().failedInvocations()).sum();
        long rows = status.map(SyncStatus::rowsLoaded).orElse(0L);
        double seconds = wall.toMillis() / 1000.0;
        out.println();
        out.printf("sync %s: %s%n", syncId, status.map(s -> s.complete() ? "complete" : "NOT complete")
                .orElse("nothing loaded"));
        out.printf("  slices   %d/%d loaded, %d committed (%d manifests)%n",
                status.map(SyncStatus::slicesLoaded).orElse(0L), launch.plan().slices(), committed.slices(),
                committed.manifests());
        out.printf("  tables   %d per slice; %d (table, slice) loaded, %d failed, %d stale%n",
                launch.plan().tables().size(), status.map(SyncStatus::tablesLoaded).orElse(0L),
                status.map(SyncStatus::tablesFailed).orElse(0L), status.map(SyncStatus::tablesStale).orElse(0L));
        out.printf(Locale.ROOT, "  rows     %,d loaded; %.1f MB of gzip CSV parts%n", rows, committed.bytes() / 1e6);
        out.printf("  failures %d failed invocations (retried); dead-letter queues: sync %d, load %d%n",
                failedInvocations, syncDlq, loadDlq);
        out.printf(Locale.ROOT, "  time     %.1f s wall (start-up %.1f s)%s%n", seconds,
                runtime.startup().toMillis() / 1000.0,
                launch.sent() == 0 || status.isEmpty() || !status.get().complete() ? ""
                        : String.format(Locale.ROOT, ": %,.0f rows/s end to end", rows / Math.max(0.001, seconds)));
        for (SqsPoller poller : runtime.pollers()) {
            SqsPoller.Stats stats = poller.stats();
            out.printf("  %-17s %d invocations, %d records deleted, %d failed records%n",
                    poller.mapping().functionName(), stats.invocations(),
                    stats.deletedRecords(), stats.failedRecords());
        }
    }

    /** A sample of what the warehouse holds: rows and slices per table, and a few rows of synthetic_types. */
    private static void sample(PrintWriter out, WarehouseConfig config, Path dataDir, String syncId,
                               List<String> tables) throws SQLException {
        try (Connection c = QueryCommand.connect(config, dataDir)) {
            StringBuilder sql = new StringBuilder();
            for (String table : tables) {
                if (!sql.isEmpty()) {
                    sql.append("\nUNION ALL ");
                }
                sql.append("SELECT '").append(Identifiers.table(table)).append("' AS table_name, count(*) AS row_count,"
                        + " count(DISTINCT _account || '/' || _region) AS slices FROM \"").append(table)
                        .append("\" WHERE _sync_id = ?");
            }
            sql.append("\nORDER BY table_name");
            query(out, c, sql.toString(), tables.size(), syncId);
            if (tables.contains("synthetic_types")) {
                query(out, c, "SELECT _account, _region, id, text_value, long_value, double_value, decimal_value,"
                        + " ts_value, json_value\nFROM synthetic_types WHERE _sync_id = ? ORDER BY _account, _region, id"
                        + " LIMIT 5", 1, syncId);
            }
        }
    }

    private static void query(PrintWriter out, Connection c, String sql, int parameters, String syncId)
            throws SQLException {
        out.println();
        out.println(sql.replace("?", "'" + syncId + "'") + ";");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= parameters; i++) {
                ps.setString(i, syncId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<String[]> rows = new ArrayList<>();
                String[] header = new String[meta.getColumnCount()];
                for (int i = 0; i < header.length; i++) {
                    header[i] = meta.getColumnLabel(i + 1);
                }
                rows.add(header);
                while (rs.next()) {
                    String[] row = new String[header.length];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = Cells.render(rs.getObject(i + 1), 28, "~");
                    }
                    rows.add(row);
                }
                printTable(out, rows);
            }
        }
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                line.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", rows.get(r)[i]));
            }
            out.println(line.toString().stripTrailing());
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < widths.length; i++) {
                    rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
                }
                out.println(rule);
            }
        }
    }
}

package dev.sliceflow.local.cli;

import dev.sliceflow.loader.Reconciler;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.warehouse.Warehouse;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sliceflow reconcile}: send again the load events of manifests committed more than the grace period ago that
 * the warehouse has neither loaded, recorded stale or failed, nor rejected (docs/operations.md, "The reconciler").
 * Against a running {@code serve} it asks serve's reconciler (serve holds DuckDB); otherwise it runs here, against the
 * bucket, load queue and warehouse the settings name (AWS, or a serve started with --no-functions).
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Find manifests committed in S3 more than the grace period ago that the warehouse never "
                + "settled (loaded, stale, failed or rejected), in syncs that are not complete and started within the "
                + "look-back, and send their load events to the load queue again: what a lost S3 event or a stopped "
                + "serve leaves behind. A loaded manifest is never sent again.",
                "With a serve running on DIR, serve's reconciler does it and this prints its answer."})
final class ReconcileCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dir;

    @Mixin
    WarehouseOption warehouse;

    @Option(names = "--dry-run", description = "Only show what waits; send nothing.")
    boolean dryRun;

    @Option(names = "--grace", paramLabel = "MINUTES", description = "Leave manifests younger than this alone: their "
            + "own event may still be on its way (default: SLICEFLOW_RECONCILE_GRACE_MINUTES, or 15).")
    Long graceMinutes;

    @Option(names = "--look-back", paramLabel = "DAYS", description = "Look at syncs this recent (default: "
            + "SLICEFLOW_RECONCILE_LOOKBACK_DAYS, or 7).")
    Long lookBackDays;

    @Option(names = "--bucket", description = "The staging bucket (default: SLICEFLOW_BUCKET, or serve's).")
    String bucket;

    @Option(names = "--queue-url", description = "The load queue (default: SLICEFLOW_LOAD_QUEUE_URL, or serve's).")
    String queueUrl;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to wait for a running serve's answer (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Map<String, String> more = new HashMap<>();
        more.put("SLICEFLOW_BUCKET", bucket);
        more.put("SLICEFLOW_LOAD_QUEUE_URL", queueUrl);
        more.put("SLICEFLOW_RECONCILE_GRACE_MINUTES", graceMinutes == null ? null : graceMinutes.toString());
        more.put("SLICEFLOW_RECONCILE_LOOKBACK_DAYS", lookBackDays == null ? null : lookBackDays.toString());
        Settings settings = warehouse.settings(dir.dir(), more);
        String serveQueue = CliEnvironment.serveExports(dir.dir()).get(LocalReconciler.QUEUE_VARIABLE);
        if (serveQueue != null && warehouse.url == null) {
            out.println("asking the serve running on " + dir.dir() + " to reconcile");
            LocalReconciler.print(out, LocalReconciler.ask(settings.clients().sqs(), serveQueue, dryRun,
                    Optional.ofNullable(graceMinutes).map(Duration::ofMinutes),
                    Optional.ofNullable(lookBackDays).map(Duration::ofDays), Duration.ofSeconds(timeoutSeconds)),
                    dryRun);
            return 0;
        }
        if ("-".equals(settings.bucket())) {
            throw new IllegalStateException("no staging bucket: give --bucket (or SLICEFLOW_BUCKET), or start serve"
                    + " on " + dir.dir());
        }
        if (!dryRun && settings.loadQueueUrl().isEmpty()) {
            throw new IllegalStateException("no load queue to send to: give --queue-url (or SLICEFLOW_LOAD_QUEUE_URL),"
                    + " or --dry-run");
        }
        try (Warehouse opened = CompositionRoot.warehouse(settings)) {
            Reconciler reconciler = CompositionRoot.reconciler(settings, opened, Clock.systemUTC());
            Reconciler.Report report = dryRun ? reconciler.find() : reconciler.reconcile();
            LocalReconciler.print(out, LocalReconciler.summary(report, reconciler.options().grace()), dryRun);
        }
        return 0;
    }
}

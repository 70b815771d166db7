package dev.sliceflow.local.cli;

import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.destination.LoadError;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.loader.Reconciler;
import dev.sliceflow.runtime.CompositionRoot;
import java.time.Clock;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.Warehouses;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** {@code sliceflow status [syncId]}: fan-in from the plan, the manifests in S3, the ledger and the DLQs. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show syncs as the warehouse sees them (_sliceflow_sync_status): slices expected and loaded, "
                + "tables failed, rows, when, and whether complete. For one sync, also what only S3 and SQS know: "
                + "slices committed (manifests written) and the dead-letter queues' depth. Then loads that keep "
                + "failing (their last error), and manifests committed but not loaded beyond the reconciler's grace "
                + "period (when the bucket is reachable).",
                "DuckDB allows one process at a time: stop `sliceflow serve` first, or use PostgreSQL."})
final class StatusCommand implements Callable<Integer> {
    /** Failing loads shown at most. */
    private static final int FAILING_SHOWN = 10;

    @Mixin
    DataDirOption dir;

    @Parameters(arity = "0..1", paramLabel = "SYNC_ID", description = "One sync (default: every sync, newest first).")
    String syncId;

    @Mixin
    WarehouseOption warehouse;

    @Option(names = "--bucket", description = "The staging bucket, to count committed slices (default: "
            + "SLICEFLOW_BUCKET, or serve's).")
    String bucket;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        Settings settings = warehouse.settings(dir.dir(), java.util.Collections.singletonMap("SLICEFLOW_BUCKET", bucket));
        List<SyncStatus> rows;
        List<LoadError> failing;
        Optional<Reconciler.Report> waiting = Optional.empty();
        String waitingUnknown = null;
        dev.sliceflow.warehouse.WarehouseConfig config = Warehouses.config(settings,
                () -> settings.clients().secretsManager());
        try (Warehouse opened = dev.sliceflow.local.lake.LocalLake.isLake(config.url())
                ? dev.sliceflow.local.lake.LocalLake.open(config.url(), dir.dir()) : Warehouses.open(config)) {
            rows = opened.syncStatus(Optional.ofNullable(syncId));
            failing = opened.failingLoads(syncId == null ? FAILING_SHOWN : 1000).stream()
                    .filter(e -> syncId == null || e.manifestKey().startsWith(
                            ObjectLayout.MANIFESTS_PREFIX + "sync_id=" + syncId + "/"))
                    .limit(FAILING_SHOWN).toList();
            if (!"-".equals(settings.bucket())) {
                try {
                    waiting = Optional.of(CompositionRoot.reconciler(settings, opened, Clock.systemUTC()).find());
                } catch (RuntimeException e) {
                    waitingUnknown = e.getMessage();
                }
            }
        }
        if (rows.isEmpty()) {
            out.println(syncId == null ? "no sync has loaded yet" : "sync " + syncId + " has not loaded anything yet");
        } else {
            out.printf("%-32s %-20s %9s %9s %9s %7s %12s %-20s %s%n", "SYNC", "STARTED", "EXPECTED", "LOADED",
                    "MANIFESTS", "FAILED", "ROWS", "LAST LOAD", "COMPLETE");
            for (SyncStatus s : rows) {
                out.printf("%-32s %-20s %9s %9d %9d %7d %12d %-20s %s%n", s.syncId(), s.syncTime(),
                        s.slicesExpected() < 0 ? "?" : Long.toString(s.slicesExpected()), s.slicesLoaded(),
                        s.manifests(), s.tablesFailed(), s.rowsLoaded(),
                        s.lastLoadedAt() == null ? "-" : s.lastLoadedAt().toString(), s.complete() ? "yes" : "no");
            }
        }
        printFailing(out, failing);
        if (waitingUnknown != null) {
            out.println("manifests waiting for a load: unknown (" + waitingUnknown + ")");
        }
        waiting.ifPresent(report -> printWaiting(out, report, settings.reconcileGrace()));
        if (syncId != null && !"-".equals(settings.bucket())) {
            remote(out, settings);
        }
        return 0;
    }

    /** Transient load failures not resolved since: what explains a load message that reaches the DLQ by redrive. */
    private static void printFailing(PrintWriter out, List<LoadError> failing) {
        if (failing.isEmpty()) {
            return;
        }
        out.println("loads failing (retried until they load, or SQS moves them to the load DLQ), last error first:");
        for (LoadError e : failing) {
            out.printf("  %s: %d attempts since %s, last %s: %s%n", e.manifestKey(), e.attempts(),
                    e.firstFailedAt(), e.lastFailedAt(), e.error());
        }
    }

    /** Committed manifests the warehouse never settled, beyond the grace period: lost load events. */
    private void printWaiting(PrintWriter out, Reconciler.Report report, java.time.Duration grace) {
        List<Reconciler.Waiting> shown = report.waiting().stream()
                .filter(w -> syncId == null || w.syncId().equals(syncId)).toList();
        if (shown.isEmpty()) {
            out.printf("manifests waiting more than %d min for a load: none%n", grace.toMinutes());
            return;
        }
        out.printf("manifests waiting more than %d min for a load (their load events may be lost: `sliceflow"
                + " reconcile` sends them again):%n", grace.toMinutes());
        for (Reconciler.Waiting w : shown) {
            out.printf("  sync %s: %d, first %s%n", w.syncId(), w.count(), String.join(", ", w.firstKeys()));
        }
    }

    /** What only S3 and SQS know; skipped, saying why, when they cannot be reached. */
    private void remote(PrintWriter out, Settings settings) {
        AwsClients clients = settings.clients();
        try {
            S3Client s3 = clients.s3();
            Set<String> slices = new HashSet<>();
            String prefix = ObjectLayout.MANIFESTS_PREFIX + "sync_id=" + syncId + "/";
            s3.listObjectsV2Paginator(b -> b.bucket(settings.bucket()).prefix(prefix)).contents()
                    .forEach(o -> slices.add(o.key().substring(prefix.length(), o.key().lastIndexOf('/'))));
            out.printf("slices committed (a manifest in s3://%s/%s): %d%n", settings.bucket(), prefix, slices.size());
        } catch (RuntimeException e) {
            out.println("slices committed: unknown (" + e.getMessage() + ")");
        }
        Map<String, Optional<String>> dlqs = new java.util.LinkedHashMap<>();
        dlqs.put("sync DLQ", settings.syncDlqUrl());
        dlqs.put("load DLQ", settings.loadDlqUrl());
        for (Map.Entry<String, Optional<String>> dlq : dlqs.entrySet()) {
            dlq.getValue().ifPresent(url -> {
                try {
                    String depth = clients.sqs().getQueueAttributes(b -> b.queueUrl(url)
                                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
                    out.printf("%s: %s messages (all syncs) %s%n", dlq.getKey(), depth, url);
                } catch (RuntimeException e) {
                    out.printf("%s: unknown (%s)%n", dlq.getKey(), e.getMessage());
                }
            });
        }
    }
}

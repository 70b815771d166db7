package dev.sliceflow.local.cli;

import dev.sliceflow.planner.SyncLauncher;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.planner.SyncSpecParser;
import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.staging.ObjectLayout;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sliceflow enqueue --spec sync.yaml}: plan a sync and send one message per slice, locally or to AWS. */
@Command(name = "enqueue", mixinStandardHelpOptions = true,
        description = {"Plan a sync from a spec (docs/sync-spec.md), write its plan to the bucket and send one sync "
                + "request per slice with SendMessageBatch.",
                "Against a running `sliceflow serve` on the same --dir by default; against AWS with --queue-url and "
                        + "--bucket (and the usual AWS credentials and region).",
                "Running it again for the same --sync-id sends nothing (use --force to send again)."})
final class EnqueueCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dir;

    @Option(names = "--spec", required = true, paramLabel = "FILE", description = "The sync spec (YAML).")
    Path spec;

    @Option(names = "--queue-url", description = "The sync queue (default: SLICEFLOW_SYNC_QUEUE_URL, or serve's).")
    String queueUrl;

    @Option(names = "--bucket", description = "The staging bucket (default: SLICEFLOW_BUCKET, or serve's).")
    String bucket;

    @Option(names = "--sync-id", description = "Pin the sync id (default: <name>-<yyyyMMddTHHmmssZ> of now).")
    String syncId;

    @Option(names = "--force", description = "Send every slice again even if this sync id was enqueued before.")
    boolean force;

    @Option(names = "--concurrency", defaultValue = "8",
            description = "SendMessageBatch calls in flight (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = command.commandLine().getOut();
        if (!Files.isRegularFile(spec)) {
            throw new IllegalStateException("spec file " + spec + " does not exist");
        }
        SyncSpec parsed = SyncSpecParser.parse(spec.getFileName().toString(), Files.readString(spec));
        Map<String, String> options = new HashMap<>();
        options.put("SLICEFLOW_SYNC_QUEUE_URL", queueUrl);
        options.put("SLICEFLOW_BUCKET", bucket);
        Settings settings = Settings.from(CliEnvironment.settings(dir.dir(), options));
        String queue = settings.syncQueueUrl().orElseThrow(() -> new IllegalStateException(
                "no sync queue: pass --queue-url, set SLICEFLOW_SYNC_QUEUE_URL, or run `sliceflow serve` on " + dir.dir()));
        AwsClients clients = settings.clients();
        SyncLauncher launcher = CompositionRoot.launcher(settings, clients.s3(), clients.sqs(), concurrency);
        long start = System.nanoTime();
        Progress progress = new Progress(command.commandLine().getErr());
        SyncLauncher.Launch launch = launcher.launch(parsed, Instant.now(), Optional.ofNullable(syncId), queue,
                force, progress::update);
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.done();
        String id = launch.plan().syncId();
        if (launch.alreadyEnqueued()) {
            out.printf("sync %s was enqueued before (s3://%s/%s): nothing sent; --force sends it again%n", id,
                    settings.bucket(), SyncLauncher.enqueuedKey(id));
            return 0;
        }
        out.printf("enqueued sync %s: %d slices (%d accounts x %d regions, %d tables each) in %.1f s, %.0f msgs/s%n",
                id, launch.sent(), launch.plan().accounts().size(), launch.plan().regions().size(),
                launch.plan().tables().size(), seconds, launch.sent() / Math.max(seconds, 1e-3));
        out.printf("plan: s3://%s/%s%n", settings.bucket(), ObjectLayout.planKey(id));
        out.printf("follow it: sliceflow status %s%n", id);
        return 0;
    }

    /** A one-line progress counter on stderr, redrawn at most ten times a second. */
    static final class Progress {
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private long lastDraw;

        Progress(PrintWriter err) {
            this.err = err;
        }

        synchronized void update(long sent) {
            long now = System.nanoTime();
            if (now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            double seconds = (now - start) / 1e9;
            err.printf("\renqueued %d (%.0f msgs/s)", sent, sent / seconds);
            err.flush();
        }

        synchronized void done() {
            if (lastDraw != 0) {
                err.println();
                err.flush();
            }
        }
    }
}

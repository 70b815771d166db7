package dev.sliceflow.local.cli;

import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.HandlerFactory;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sliceflow serve}: the local stack, up until Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the local stack: S3 (s3proxy) with the staging bucket and its manifest notification, SQS "
                + "(ElasticMQ) with the sync and load queues and their DLQs, and the worker and loader fed from them "
                + "as Lambda does. Prints the endpoints and the exports for the AWS CLI; Ctrl-C stops it.",
                "Objects persist in DIR/s3; queues start empty on every start."})
final class ServeCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dir;

    @Option(names = "--s3-port", defaultValue = "9000", description = "S3 port on 127.0.0.1, 0 for a free one "
            + "(default: ${DEFAULT-VALUE}).")
    int s3Port;

    @Option(names = "--sqs-port", defaultValue = "9324", description = "SQS port on 127.0.0.1, 0 for a free one "
            + "(default: ${DEFAULT-VALUE}).")
    int sqsPort;

    @Option(names = "--bucket", defaultValue = LocalRuntimeConfig.DEFAULT_BUCKET,
            description = "The staging bucket (default: ${DEFAULT-VALUE}).")
    String bucket;

    @Option(names = "--queue-prefix", defaultValue = LocalRuntimeConfig.DEFAULT_QUEUE_PREFIX,
            description = "Queues are PREFIX-sync, PREFIX-sync-dlq, PREFIX-load, PREFIX-load-dlq "
                    + "(default: ${DEFAULT-VALUE}).")
    String queuePrefix;

    @Option(names = "--sync-visibility", defaultValue = "900", paramLabel = "SECONDS",
            description = "Visibility timeout of the sync queue: a failed slice is retried after it "
                    + "(default: ${DEFAULT-VALUE}).")
    long syncVisibility;

    @Option(names = "--load-visibility", defaultValue = "360", paramLabel = "SECONDS",
            description = "Visibility timeout of the load queue (default: ${DEFAULT-VALUE}).")
    long loadVisibility;

    @Option(names = "--worker-timeout", defaultValue = "900", paramLabel = "SECONDS",
            description = "The worker's function timeout; at most --sync-visibility (default: ${DEFAULT-VALUE}).")
    long workerTimeout;

    @Option(names = "--loader-timeout", defaultValue = "300", paramLabel = "SECONDS",
            description = "The loader's function timeout; at most --load-visibility (default: ${DEFAULT-VALUE}).")
    long loaderTimeout;

    @Mixin
    LoadBatchingOptions loadBatching;

    @Option(names = "--worker-concurrency", defaultValue = "2",
            description = "Concurrent worker invocations (default: ${DEFAULT-VALUE}).")
    int workerConcurrency;

    @Option(names = "--aws-source-credentials", description = "Let the aws source (and discovery) read real AWS "
            + "accounts with the default credential chain (profile, environment, SSO); S3 and SQS stay local.")
    boolean awsSourceCredentials;

    @Option(names = "--no-functions", description = "Serve S3 and SQS only; poll no queue.")
    boolean noFunctions;

    @Option(names = "--reconcile-every", defaultValue = "30", paramLabel = "MINUTES",
            description = "Run the reconciler this often (as the stack's schedule does), besides at start-up and on "
                    + "`sliceflow reconcile`; 0: never (default: ${DEFAULT-VALUE}).")
    long reconcileEvery;
    @Option(names = "--warehouse", paramLabel = "iceberg", description = "Load into the lake in DIR (iceberg: an Iceberg "
            + "catalog in DIR/lake-catalog.db, table data in the bucket under lake/) instead of DIR/warehouse.duckdb.")
    String warehouse;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dataDir = dir.dir();
        StaleTempFiles.clean(dataDir, out);
        LocalRuntimeConfig config = LocalRuntimeConfig.defaults(Optional.of(dataDir))
                .withPorts(s3Port, sqsPort)
                .withNames(bucket, queuePrefix)
                .withVisibilityTimeouts(Duration.ofSeconds(syncVisibility), Duration.ofSeconds(loadVisibility))
                .withPersistentQueues(true);
        LocalRuntime runtime = LocalRuntime.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Path envFile = dataDir.resolve("env.sh");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            deleteQuietly(envFile);
            out.println("sliceflow stopped");
            out.flush();
            stopped.countDown();
        }, "sliceflow-shutdown"));

        if (warehouse != null && !warehouse.equals(dev.sliceflow.local.lake.LocalLake.NAME)) {
            runtime.close();
            throw new IllegalStateException("serve --warehouse takes iceberg (the lake in DIR), not "
                    + dev.sliceflow.core.Identifiers.printable(warehouse));
        }
        String lakeUrl = warehouse == null ? null : dev.sliceflow.local.lake.LocalLake.url(dataDir, runtime);
        List<String> functions = new ArrayList<>();
        Optional<QueueRef> reconcileQueue = Optional.empty();
        if (!noFunctions) {
            // before the pollers: manifests whose load events were lost when serve last stopped get them again
            try {
                dev.sliceflow.loader.Reconciler.Report lost = LocalReconciler.atStartUp(runtime.settings());
                if (lost.resent() > 0) {
                    out.printf("reconciled: %d committed manifests were never loaded (their load events were lost"
                            + " when serve stopped): sent again%n", lost.resent());
                }
            } catch (RuntimeException e) {
                // serve still starts: the scheduled run and `sliceflow reconcile` try again
                out.println("cannot reconcile at start-up (committed manifests whose load events were lost stay"
                        + " unloaded until the next reconcile): " + e.getMessage());
            }
            for (Functions.Spec function : Functions.STACK) {
                QueueRef queue = function.queue().apply(runtime.queues());
                EventSourceMapping mapping = mapping(function);
                HandlerFactory own = function.handler();
                HandlerFactory handlers = lakeUrl == null ? own : settings -> own.create(runtime.settings(Map.of(
                        "SLICEFLOW_WAREHOUSE_URL", lakeUrl, "SLICEFLOW_WORK_DIR", settings.workDir().toString())));
                runtime.attach(queue, mapping, awsSourceCredentials
                        ? settings -> handlers.create(settings.withSourceCredentials(
                                software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build()))
                        : handlers);
                functions.add(function.name() + " <- " + queue.name() + " (batch " + mapping.batchSize() + " in " + mapping.batchWindow().toSeconds() + " s"
                        + ", concurrency " + mapping.maxConcurrency() + ", timeout " + mapping.timeout().toSeconds()
                        + " s)");
            }
            reconcileQueue = Optional.of(LocalReconciler.attach(runtime, queuePrefix));
            functions.add("reconciler <- " + reconcileQueue.get().name() + " (at start-up, "
                    + (reconcileEvery > 0 ? "every " + reconcileEvery + " min, " : "") + "and `sliceflow reconcile`)");
            if (reconcileEvery > 0) {
                String url = reconcileQueue.get().url();
                java.util.concurrent.ScheduledExecutorService schedule = java.util.concurrent.Executors
                        .newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                                .name("sliceflow-reconcile-schedule").unstarted(r));
                schedule.scheduleAtFixedRate(() -> {
                    try {
                        LocalReconciler.requestScheduled(runtime.sqs(), url);
                    } catch (RuntimeException e) {
                        // stopping, most likely: the next start reconciles anyway
                    }
                }, reconcileEvery, reconcileEvery, java.util.concurrent.TimeUnit.MINUTES);
            }
        }
        Map<String, String> exports = exports(runtime);
        reconcileQueue.ifPresent(queue -> exports.put(LocalReconciler.QUEUE_VARIABLE, queue.url()));
        if (lakeUrl != null) {
            // so that query and status in another shell read the lake
            exports.put("SLICEFLOW_WAREHOUSE_URL", lakeUrl);
        }
        Files.writeString(envFile, exportLines(exports));

        out.printf("sliceflow local stack up in %.1f s, data in %s%n", runtime.startup().toMillis() / 1000.0, dataDir);
        out.printf("  S3   %s  bucket s3://%s (objects in %s)%n", runtime.s3Endpoint(), runtime.bucket(),
                dataDir.resolve("s3"));
        out.printf("  SQS  %s%n", runtime.sqsEndpoint());
        printQueue(out, "sync", runtime.queues().sync(), runtime.queues().syncDlq());
        printQueue(out, "load", runtime.queues().load(), runtime.queues().loadDlq());
        out.printf("  notification: s3://%s/%s*%s -> %s%n", runtime.bucket(), config.manifestPrefix(),
                config.manifestSuffix(), runtime.queues().load().name());
        if (noFunctions) {
            out.println("  functions: none (--no-functions)");
        } else {
            functions.forEach(f -> out.println("  function " + f));
        }
        out.println();
        out.println("For the AWS CLI and SDKs (also in " + envFile + "):");
        out.print(exportLines(exports));
        out.println("AWS CLI v1 ignores AWS_ENDPOINT_URL_SQS: pass it, e.g.");
        out.printf("  aws --endpoint-url %s sqs receive-message --queue-url %s%n", runtime.sqsEndpoint(),
                runtime.queues().load().url());
        out.printf("  aws s3 ls s3://%s/ --recursive%n", runtime.bucket());
        out.println();
        out.println("ready; Ctrl-C stops");
        out.flush();
        stopped.await();
        return 0;
    }

    private EventSourceMapping mapping(Functions.Spec function) {
        return switch (function.name()) {
            case "worker" -> function.mapping().withTimeout(Duration.ofSeconds(workerTimeout))
                    .withMaxConcurrency(workerConcurrency);
            case "loader" -> loadBatching.apply(function.mapping().withTimeout(Duration.ofSeconds(loaderTimeout)));
            default -> function.mapping();
        };
    }

    private static void printQueue(PrintWriter out, String role, QueueRef queue, QueueRef dlq) {
        out.printf("       %s queue %s%n", role, queue.url());
        out.printf("       %s DLQ   %s%n", role, dlq.url());
    }

    /** What a shell needs to talk to the local stack with the AWS CLI or SDKs. */
    static Map<String, String> exports(LocalRuntime runtime) {
        Map<String, String> env = runtime.environment();
        Map<String, String> exports = new LinkedHashMap<>();
        exports.put("AWS_ENDPOINT_URL_S3", runtime.s3Endpoint().toString());
        exports.put("AWS_ENDPOINT_URL_SQS", runtime.sqsEndpoint().toString());
        exports.put("AWS_ACCESS_KEY_ID", env.get("AWS_ACCESS_KEY_ID"));
        exports.put("AWS_SECRET_ACCESS_KEY", env.get("AWS_SECRET_ACCESS_KEY"));
        exports.put("AWS_REGION", runtime.region());
        exports.put("AWS_DEFAULT_REGION", runtime.region());
        exports.put("SLICEFLOW_BUCKET", runtime.bucket());
        exports.put("SLICEFLOW_SYNC_QUEUE_URL", runtime.queues().sync().url());
        exports.put("SLICEFLOW_SYNC_DLQ_URL", runtime.queues().syncDlq().url());
        exports.put("SLICEFLOW_LOAD_QUEUE_URL", runtime.queues().load().url());
        exports.put("SLICEFLOW_LOAD_DLQ_URL", runtime.queues().loadDlq().url());
        return exports;
    }

    static String exportLines(Map<String, String> exports) {
        StringBuilder lines = new StringBuilder();
        exports.forEach((key, value) -> lines.append("export ").append(key).append('=').append(shellQuote(value))
                .append('\n'));
        return lines.toString();
    }

    private static String shellQuote(String value) {
        return value.matches("[A-Za-z0-9_./:=@%+-]+") ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // the next serve overwrites it
        }
    }
}

package dev.sliceflow.runtime;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.loader.LoadDeadLetters;
import dev.sliceflow.loader.ManifestLoader;
import dev.sliceflow.loader.MaxReceives;
import dev.sliceflow.loader.Reconciler;
import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.Warehouses;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import dev.sliceflow.planner.Discovery;
import dev.sliceflow.planner.Planner;
import dev.sliceflow.planner.ScheduledPlanner;
import dev.sliceflow.planner.SqsEnqueuer;
import dev.sliceflow.planner.SyncLauncher;
import dev.sliceflow.source.SourceFactory;
import dev.sliceflow.source.aws.AwsDiscovery;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.aws.AwsEndpoints;
import dev.sliceflow.source.aws.AwsSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.staging.S3Uploader;
import dev.sliceflow.worker.SliceSyncer;
import dev.sliceflow.worker.SyncWorker;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Wires the functions (worker, loader, planner, reconciler) from {@link Settings}: the one place that builds clients and the
 * warehouse, once per container, above the packages it wires.
 */
public final class CompositionRoot {
    /** Parallel part uploads of one multipart upload. */
    private static final int UPLOAD_THREADS = 4;
    /** SendMessageBatch calls in flight when enqueueing a sync. */
    public static final int ENQUEUE_CONCURRENCY = 8;

    private CompositionRoot() {
    }

    public static SyncWorker worker(Settings settings) {
        return worker(settings, Clock.systemUTC());
    }

    /** @param clock the worker's clock: manifests' createdAt, and how far ahead a request's syncTime may lie */
    public static SyncWorker worker(Settings settings, Clock clock) {
        AwsClients clients = settings.clients();
        S3Client s3 = clients.s3();
        SqsClient sqs = clients.sqs();
        SliceSyncer syncer = new SliceSyncer(sources(settings), uploader(settings, s3), clock);
        return new SyncWorker(syncer, sqs, settings.syncQueueUrl(), settings.syncDlqUrl(), settings.workDir(),
                settings.deadlineMargin(), clock);
    }

    /** The scheduled planner: reads specs from the bucket, enqueues on the sync queue. */
    public static ScheduledPlanner planner(Settings settings) {
        AwsClients clients = settings.clients();
        S3Client s3 = clients.s3();
        String queueUrl = settings.syncQueueUrl().orElseThrow(
                () -> new InvalidInputException("SLICEFLOW_SYNC_QUEUE_URL is not set"));
        return new ScheduledPlanner(launcher(settings, s3, clients.sqs(), ENQUEUE_CONCURRENCY), s3, settings.bucket(),
                queueUrl, Clock.systemUTC());
    }

    /**
     * Plans a spec, writes its plan, enqueues its slices: the scheduled planner's, {@code sliceflow enqueue}'s and the
     * demo's one way to start a sync.
     *
     * @param concurrency SendMessageBatch calls in flight
     */
    public static SyncLauncher launcher(Settings settings, S3Client s3, SqsClient sqs, int concurrency) {
        return new SyncLauncher(new Planner(sources(settings), discovery(settings)), uploader(settings, s3), s3,
                settings.bucket(), new SqsEnqueuer(sqs, concurrency));
    }

    /** The staging bucket's uploader; its multipart threads are daemons, started only when a large part needs them. */
    private static S3Uploader uploader(Settings settings, S3Client s3) {
        ExecutorService chunkUploads = Executors.newFixedThreadPool(UPLOAD_THREADS, r -> {
            Thread thread = new Thread(r, "sliceflow-multipart");
            thread.setDaemon(true);
            return thread;
        });
        return new S3Uploader(s3, settings.bucket(), S3Uploader.DEFAULT_THRESHOLD, S3Uploader.DEFAULT_CHUNK,
                chunkUploads);
    }

    /**
     * Accounts and regions left to discovery by a spec (organization: true, regions: ["*"]): AWS Organizations and
     * EC2 DescribeRegions, with the function's credentials and the configured role. Built lazily: a spec that lists
     * its accounts and regions never makes a call.
     */
    public static Discovery discovery(Settings settings) {
        Supplier<AwsDiscovery> aws = new Supplier<>() {
            private AwsDiscovery discovery;

            @Override
            public synchronized AwsDiscovery get() {
                if (discovery == null) {
                    discovery = AwsDiscovery.create(settings.region().id(), settings.sourceCredentials(),
                            settings.roleName(), settings.externalId(), new AwsEndpoints(settings.endpointUrls(),
                                    settings.useFipsEndpoint(), settings.useDualStackEndpoint()));
                }
                return discovery;
            }
        };
        return new Discovery() {
            @Override
            public List<String> organizationAccounts(List<String> ous) {
                return aws.get().organizationAccounts(ous);
            }

            @Override
            public List<String> enabledRegions(String account) {
                return aws.get().enabledRegions(account);
            }
        };
    }

    /** The source kinds this build knows. */
    public static SourceRegistry sources(Settings settings) {
        List<SourceFactory> factories = List.of(new SyntheticSourceFactory(),
                new AwsSourceFactory(settings.region(), settings.sourceCredentials(), settings.roleName(),
                        settings.externalId(), new AwsEndpoints(settings.endpointUrls(), settings.useFipsEndpoint(),
                                settings.useDualStackEndpoint())));
        return new SourceRegistry(factories);
    }

    /** The loader: S3 and SQS clients, the warehouse (its secret read now, and again only when refused). */
    public static ManifestLoader loader(Settings settings) {
        AwsClients clients = settings.clients();
        Warehouse warehouse = warehouse(settings, clients);
        SqsClient sqs = clients.sqs();
        LoadDeadLetters deadLetters = settings.loadDlqUrl()
                .map(url -> LoadDeadLetters.sqs(sqs, url))
                .orElseGet(LoadDeadLetters::logOnly);
        return new ManifestLoader(clients.s3(), settings.bucket(), warehouse, deadLetters,
                settings.deleteRemovedSlices(), MaxReceives.sqs(sqs));
    }

    /**
     * The reconciler: lists the staging bucket's manifests, asks {@code warehouse} which it has dealt with, sends the
     * load events of the lost ones to SLICEFLOW_LOAD_QUEUE_URL (none set: it can only find them).
     */
    public static Reconciler reconciler(Settings settings, Bookkeeping warehouse, Clock clock) {
        return reconciler(settings, warehouse, clock, new Reconciler.Options(settings.reconcileGrace(),
                settings.reconcileLookBack(), Reconciler.Options.DEFAULT_MAX_RESENDS));
    }

    /** {@link #reconciler(Settings, Bookkeeping, Clock)} with other options (local mode's start-up: no grace). */
    public static Reconciler reconciler(Settings settings, Bookkeeping warehouse, Clock clock,
                                        Reconciler.Options options) {
        AwsClients clients = settings.clients();
        return new Reconciler(clients.s3(), settings.bucket(), warehouse,
                settings.loadQueueUrl().isPresent() ? clients.sqs() : null, settings.loadQueueUrl().orElse(null),
                clock, options);
    }

    /** The warehouse the settings name (its secret read now, and again only if the warehouse refuses it). */
    public static Warehouse warehouse(Settings settings) {
        return warehouse(settings, settings.clients());
    }

    private static Warehouse warehouse(Settings settings, AwsClients clients) {
        Supplier<SecretsManagerClient> secrets = new Supplier<>() {
            private SecretsManagerClient client;

            @Override
            public synchronized SecretsManagerClient get() {
                if (client == null) {
                    client = clients.secretsManager();
                }
                return client;
            }
        };
        // the secret is read once per container, and again only if the warehouse refuses it (rotation)
        return Warehouses.open(
                Warehouses.config(settings, secrets),
                () -> Warehouses.config(settings, secrets));
    }
}

package dev.sliceflow.runtime;

import dev.sliceflow.core.InvalidInputException;
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

/** Wires the functions from {@link Settings}: the one place that builds clients, once per container. */
public final class CompositionRoot {
    /** Parallel part uploads of one multipart upload. */
    private static final int UPLOAD_THREADS = 4;
    /** SendMessageBatch calls in flight when enqueueing a sync. */
    public static final int ENQUEUE_CONCURRENCY = 8;

    private CompositionRoot() {
    }

    public static SyncWorker worker(Settings settings) {
        AwsClients clients = settings.clients();
        S3Client s3 = clients.s3();
        SqsClient sqs = clients.sqs();
        SliceSyncer syncer = new SliceSyncer(sources(settings), uploader(settings, s3), Clock.systemUTC());
        return new SyncWorker(syncer, sqs, settings.syncQueueUrl(), settings.syncDlqUrl(), settings.workDir(),
                settings.deadlineMargin());
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
        java.util.function.Supplier<AwsDiscovery> aws = new java.util.function.Supplier<>() {
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
}

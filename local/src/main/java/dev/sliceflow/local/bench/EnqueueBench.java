package dev.sliceflow.local.bench;

import dev.sliceflow.planner.Discovery;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.planner.Planner;
import dev.sliceflow.planner.SqsEnqueuer;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.SyncRequestCodec;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * {@code bench/run enqueue [--accounts N] [--regions N] [--messages N] [--concurrency N]}: plans accounts x regions
 * (default 10,000 x 17 = 170,000 slices) with bounded memory, then enqueues the first {@code messages} slices into
 * ElasticMQ beside a bare SendMessageBatch loop with the same concurrency against the same queue (the limit).
 */
public final class EnqueueBench {
    private static final List<String> REGIONS = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1");

    private EnqueueBench() {
    }

    public static void main(String[] args) throws Exception {
        int accounts = 10_000;
        int regions = 17;
        int messages = 100_000;
        int concurrency = 8;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--accounts" -> accounts = Integer.parseInt(args[++i]);
                case "--regions" -> regions = Integer.parseInt(args[++i]);
                case "--messages" -> messages = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<String> accountIds = IntStream.range(0, accounts).mapToObj(n -> String.format("%012d", 100_000 + n)).toList();
        SyncSpec spec = new SyncSpec("bench", SourceSpec.of("synthetic"),
                new SyncSpec.Accounts(accountIds, false, null, null), REGIONS.subList(0, regions), null, null, null,
                null);
        Planner planner = new Planner(new SourceRegistry(List.of(new SyntheticSourceFactory())), Discovery.none());

        resetPeaks();
        long planStart = System.nanoTime();
        Plan plan = planner.plan(spec, Instant.parse("2026-11-25T03:00:00Z"), Optional.empty());
        long planned = 0;
        long bytes = 0;
        for (SyncRequest request : plan.requests()) {
            bytes += SyncRequestCodec.toJson(request).length();
            planned++;
        }
        double planSeconds = (System.nanoTime() - planStart) / 1e9;
        long planHeap = peakHeap();
        System.out.printf(Locale.ROOT, "planned %d slices (%d accounts x %d regions) and serialised them (%.1f MB) "
                + "in %.2f s; peak heap %.0f MB%n", planned, accounts, regions, bytes / 1e6, planSeconds, planHeap / 1e6);

        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort()
                .withAWSRegion("us-east-1").withAWSAccountId("000000000000").start();
        try {
            int port = server.waitUntilStarted().localAddress().getPort();
            SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1)
                    .endpointOverride(URI.create("http://127.0.0.1:" + port))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
                    .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder().build())
                    .build();
            int limit = messages;
            Iterable<SyncRequest> first = () -> limited(plan.requests().iterator(), limit);
            List<String> rawBodies = bodies(plan, messages);
            // Three rounds, alternating, each on a fresh queue; medians, so warm-up and queue growth hit both alike.
            List<Double> ours = new ArrayList<>();
            List<Double> raws = new ArrayList<>();
            long sent = 0;
            long enqueueHeap = 0;
            for (int round = 0; round < 3; round++) {
                String rawQueue = queue(sqs, "bench-raw-" + round);
                long rawStart = System.nanoTime();
                raw(sqs, rawQueue, rawBodies, concurrency);
                raws.add((System.nanoTime() - rawStart) / 1e9);
                sqs.deleteQueue(b -> b.queueUrl(rawQueue));

                String queue = queue(sqs, "bench-sync-" + round);
                resetPeaks();
                long start = System.nanoTime();
                sent = new SqsEnqueuer(sqs, concurrency).enqueue(queue, first, n -> { });
                ours.add((System.nanoTime() - start) / 1e9);
                enqueueHeap = Math.max(enqueueHeap, peakHeap());
                sqs.deleteQueue(b -> b.queueUrl(queue));
            }
            double seconds = median(ours);
            double rawSeconds = median(raws);

            double rate = sent / seconds;
            double rawRate = messages / rawSeconds;
            System.out.printf(Locale.ROOT, "enqueue (plan -> JSON -> SendMessageBatch x10, %d in flight): %d messages in "
                    + "%.2f s; raw loop (pre-built bodies, same batching and concurrency): %.2f s; peak heap %.0f MB%n",
                    concurrency, sent, seconds, rawSeconds, enqueueHeap / 1e6);
            System.out.printf(Locale.ROOT, "enqueue: %.0f msgs/s, raw-batch %.0f msgs/s, ratio %.2f, peak heap %.0f MB%n",
                    rate, rawRate, rate / rawRate, Math.max(planHeap, enqueueHeap) / 1e6);
        } finally {
            server.stopAndWait();
        }
    }

    private static String queue(SqsClient sqs, String name) {
        return sqs.createQueue(b -> b.queueName(name)
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "3600"))).queueUrl();
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static List<String> bodies(Plan plan, int n) {
        List<String> out = new ArrayList<>(n);
        Iterator<SyncRequest> it = plan.requests().iterator();
        while (out.size() < n && it.hasNext()) {
            out.add(SyncRequestCodec.toJson(it.next()));
        }
        return out;
    }

    /** The limit: pre-serialised bodies, 10 per SendMessageBatch, the same number of calls in flight. */
    private static void raw(SqsClient sqs, String queue, List<String> bodies, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<?>> futures = new ArrayList<>();
            int per = (bodies.size() + concurrency - 1) / concurrency;
            for (int t = 0; t < concurrency; t++) {
                List<String> share = bodies.subList(Math.min(t * per, bodies.size()), Math.min((t + 1) * per, bodies.size()));
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share.size(); i += 10) {
                        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(10);
                        for (int j = i; j < Math.min(i + 10, share.size()); j++) {
                            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(j - i))
                                    .messageBody(share.get(j)).build());
                        }
                        sqs.sendMessageBatch(b -> b.queueUrl(queue).entries(entries));
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static Iterator<SyncRequest> limited(Iterator<SyncRequest> it, int limit) {
        return new Iterator<>() {
            private int n;

            @Override
            public boolean hasNext() {
                return n < limit && it.hasNext();
            }

            @Override
            public SyncRequest next() {
                n++;
                return it.next();
            }
        };
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}

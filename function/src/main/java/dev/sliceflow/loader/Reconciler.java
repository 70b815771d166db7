package dev.sliceflow.loader;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.staging.ObjectLayout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Finds manifests that are committed in S3 but that the destination has not dealt with (neither loaded, stale,
 * failed nor rejected: {@link Bookkeeping#settledManifests}) although they were written more than a grace period ago,
 * and sends their load events again: what repairs a lost S3 event, a load message that expired in a DLQ, or local
 * mode's queues lost with a stopped {@code serve} (docs/operations.md, "The reconciler").
 *
 * <p>Bounded: the syncs are the {@code manifests/sync_id=<id>/} prefixes (one ListObjectsV2 page per 1,000 syncs); a
 * page's syncs that the destination calls settled (complete, or older than the look-back) are skipped with one
 * look-up per page; each other sync's manifests are listed (paged) and only those last modified between the look-back
 * and the grace period are candidates; the destination is asked once per sync that has candidates. At most
 * {@code maxResends} events are sent per run; the rest wait for the next run.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    /** The {@code sliceflow-sender} attribute of the events it sends, so that a re-sent event can be told apart. */
    public static final String SENDER = "sliceflow-reconciler";
    /** How many keys of a sync a report shows. */
    static final int SHOWN_PER_SYNC = 5;

    /**
     * @param grace      a manifest written less than this long ago is left alone: its own event may still be on its way
     * @param lookBack   syncs (by sync time, or unknown syncs by their manifests' time) older than this are not looked at
     * @param maxResends events sent at most per run
     */
    public record Options(Duration grace, Duration lookBack, int maxResends) {
        public static final Duration DEFAULT_GRACE = Duration.ofMinutes(15);
        public static final Duration DEFAULT_LOOK_BACK = Duration.ofDays(7);
        public static final int DEFAULT_MAX_RESENDS = 10_000;

        public Options {
            if (grace.isNegative() || lookBack.compareTo(grace) <= 0 || maxResends < 0) {
                throw new dev.sliceflow.core.InvalidInputException("the reconciler's grace period ("
                        + grace.toMinutes() + " min, SLICEFLOW_RECONCILE_GRACE_MINUTES or --grace) must be 0 or more"
                        + " and shorter than its look-back (" + lookBack.toDays() + " days,"
                        + " SLICEFLOW_RECONCILE_LOOKBACK_DAYS or --look-back); at most " + maxResends + " sends a run");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_GRACE, DEFAULT_LOOK_BACK, DEFAULT_MAX_RESENDS);
        }
    }

    /**
     * The manifests of one sync that wait beyond the grace period.
     *
     * @param count     how many
     * @param firstKeys the first few of them, in key order
     */
    public record Waiting(String syncId, long count, List<String> firstKeys) {
    }

    /**
     * What a run found and did.
     *
     * @param syncsChecked    syncs whose manifests were listed (neither settled nor unknown-and-old)
     * @param waiting         per sync, the manifests waiting beyond the grace period (before this run re-sent them)
     * @param resent          load events sent by this run (0 for {@link #find()})
     */
    public record Report(long syncsChecked, List<Waiting> waiting, long resent) {
        public long waitingTotal() {
            return waiting.stream().mapToLong(Waiting::count).sum();
        }
    }

    private final S3Client s3;
    private final String bucket;
    private final Bookkeeping bookkeeping;
    private final SqsClient sqs;
    private final String loadQueueUrl;
    private final Clock clock;
    private final Options options;

    /**
     * @param sqs          null with {@code loadQueueUrl} null: find only
     * @param loadQueueUrl the load queue the loader consumes
     */
    public Reconciler(S3Client s3, String bucket, Bookkeeping bookkeeping, SqsClient sqs, String loadQueueUrl,
                      Clock clock, Options options) {
        this.s3 = s3;
        this.bucket = bucket;
        this.bookkeeping = bookkeeping;
        this.sqs = sqs;
        this.loadQueueUrl = loadQueueUrl;
        this.clock = clock;
        this.options = options;
    }

    public Options options() {
        return options;
    }

    /** Finds what waits beyond the grace period and sends nothing (what {@code sliceflow status} shows). */
    public Report find() {
        return run(false);
    }

    /** Finds what waits beyond the grace period and sends each one's load event again. */
    public Report reconcile() {
        if (sqs == null || loadQueueUrl == null) {
            throw new IllegalStateException("the reconciler has no load queue to send to (SLICEFLOW_LOAD_QUEUE_URL)");
        }
        return run(true);
    }

    private Report run(boolean send) {
        Instant now = clock.instant();
        Instant since = now.minus(options.lookBack());
        Instant before = now.minus(options.grace());
        long checked = 0;
        long resent = 0;
        List<Waiting> waiting = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket)
                .prefix(ObjectLayout.MANIFESTS_PREFIX).delimiter("/"))) {
            List<String> syncIds = new ArrayList<>();
            for (CommonPrefix prefix : page.commonPrefixes()) {
                String syncId = syncIdOf(prefix.prefix());
                if (syncId != null) {
                    syncIds.add(syncId);
                }
            }
            if (syncIds.isEmpty()) {
                continue;
            }
            Set<String> settled = bookkeeping.settledSyncs(syncIds, since);
            for (String syncId : syncIds) {
                if (settled.contains(syncId)) {
                    continue;
                }
                checked++;
                List<String> candidates = candidates(syncId, since, before);
                if (candidates.isEmpty()) {
                    continue;
                }
                Set<String> done = bookkeeping.settledManifests(syncId);
                List<String> lost = candidates.stream().filter(key -> !done.contains(key)).sorted().toList();
                if (lost.isEmpty()) {
                    continue;
                }
                waiting.add(new Waiting(syncId, lost.size(), lost.subList(0, Math.min(SHOWN_PER_SYNC, lost.size()))));
                if (send) {
                    long room = options.maxResends() - resent;
                    List<String> sending = lost.subList(0, (int) Math.min(room, lost.size()));
                    resent += send(sending);
                    LOG.warn("reconciler: sync {} has {} manifests committed more than {} ago and never loaded: sent"
                                    + " their load events again ({}), first {}", syncId, lost.size(), options.grace(),
                            sending.size(), lost.get(0));
                    if (sending.size() < lost.size()) {
                        LOG.warn("reconciler: sent the most it sends in one run ({}); the rest wait for the next run",
                                options.maxResends());
                        return new Report(checked, waiting, resent);
                    }
                }
            }
        }
        return new Report(checked, waiting, resent);
    }

    /** The sync id of a {@code manifests/sync_id=<id>/} prefix; null (logged) for anything else under manifests/. */
    private static String syncIdOf(String prefix) {
        String head = ObjectLayout.MANIFESTS_PREFIX + "sync_id=";
        if (prefix.startsWith(head) && prefix.endsWith("/")) {
            String id = prefix.substring(head.length(), prefix.length() - 1);
            if (Identifiers.SYNC_ID.matcher(id).matches()) {
                return id;
            }
        }
        LOG.debug("reconciler: {} is not a sync's manifest prefix: skipped", Identifiers.printable(prefix));
        return null;
    }

    /** The sync's manifest keys last modified within [since, before). */
    private List<String> candidates(String syncId, Instant since, Instant before) {
        List<String> keys = new ArrayList<>();
        String prefix = ObjectLayout.MANIFESTS_PREFIX + "sync_id=" + syncId + "/";
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
            Instant modified = object.lastModified();
            if (ObjectLayout.isManifestKey(object.key()) && !modified.isBefore(since) && modified.isBefore(before)) {
                keys.add(object.key());
            }
        }
        return keys;
    }

    /** Sends one S3 event notification per key, ten to a SendMessageBatch call. */
    private long send(List<String> keys) {
        long sent = 0;
        for (int from = 0; from < keys.size(); from += 10) {
            List<String> chunk = keys.subList(from, Math.min(from + 10, keys.size()));
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .messageBody(S3Notifications.of(bucket, chunk.get(i), "ObjectCreated:Put"))
                        .messageAttributes(Map.of(dev.sliceflow.sqs.DeadLetterQueue.SENDER_ATTRIBUTE,
                                MessageAttributeValue.builder().dataType("String").stringValue(SENDER).build()))
                        .build());
            }
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(loadQueueUrl).entries(entries));
            if (!response.failed().isEmpty()) {
                // the next run sends them again: they are still in S3 and still not loaded
                LOG.warn("reconciler: {} load events were not sent: {}", response.failed().size(),
                        response.failed().get(0).message());
            }
            sent += response.successful().size();
        }
        return sent;
    }
}

package dev.sliceflow.loader;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.sqs.SqsMessage;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.destination.LoadDeadline;
import dev.sliceflow.destination.LoadTimeoutException;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The loader's logic, behind both handlers: from an S3 notification to a committed load.
 *
 * <ul>
 *   <li>Ignored (success): test events, other event kinds, keys that are not manifests.</li>
 *   <li>Rejected (success, so SQS does not retry it forever): a manifest that is missing, does not parse, breaks a
 *       rule, lists parts outside its table's prefix, or changes a column's type. It is recorded in
 *       {@code _sliceflow_rejects} when the warehouse is reachable and sent to SLICEFLOW_LOAD_DLQ_URL with the reason.</li>
 *   <li>Transient ({@link TransientLoadException}, retried): a part missing or not of the listed size (HeadObject, before
 *       anything is loaded), a checksum mismatch while streaming, the warehouse unreachable.</li>
 * </ul>
 */
public final class ManifestLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestLoader.class);
    private static final int FETCH_THREADS = 8;

    /** What became of one notification record. */
    public enum Outcome { LOADED, SKIPPED, REJECTED, IGNORED }

    /** Syncs whose plan this container has recorded (bounded by the syncs one container sees). */
    private final java.util.Set<String> plansSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final S3Client s3;
    private final String bucket;
    private final Warehouse warehouse;
    private final LoadDeadLetters deadLetters;

    private final boolean deleteRemovedSlices;
    private final MaxReceives maxReceives;
    /** How fast this container loads: sizes sub-batches to an invocation's time left. */
    private final LoadRate rate = new LoadRate();
    private final java.time.Clock clock = java.time.Clock.systemUTC();
    /** Rejections so far (a batch's count is the difference; concurrent batches use their own loader). */
    private final java.util.concurrent.atomic.AtomicLong rejections = new java.util.concurrent.atomic.AtomicLong();
    /** Fetches a batch's manifests concurrently: S3's time to first byte, not bandwidth, is what a GET costs. */
    private final ExecutorService fetchPool = Executors.newFixedThreadPool(FETCH_THREADS, r -> {
        Thread thread = new Thread(r, "sliceflow-manifest-fetch");
        thread.setDaemon(true);
        return thread;
    });

    public ManifestLoader(S3Client s3, String bucket, Warehouse warehouse, LoadDeadLetters deadLetters) {
        this(s3, bucket, warehouse, deadLetters, false);
    }

    /** @param deleteRemovedSlices after a load completes a replace sync, delete the slices it no longer covers */
    public ManifestLoader(S3Client s3, String bucket, Warehouse warehouse, LoadDeadLetters deadLetters,
                          boolean deleteRemovedSlices) {
        this(s3, bucket, warehouse, deadLetters, deleteRemovedSlices, MaxReceives.unknown());
    }

    /** @param maxReceives the load queue's maxReceiveCount: a load that keeps timing out is rejected at its last */
    public ManifestLoader(S3Client s3, String bucket, Warehouse warehouse, LoadDeadLetters deadLetters,
                          boolean deleteRemovedSlices, MaxReceives maxReceives) {
        this.s3 = s3;
        this.bucket = bucket;
        this.warehouse = warehouse;
        this.deadLetters = deadLetters;
        this.deleteRemovedSlices = deleteRemovedSlices;
        this.maxReceives = maxReceives;
    }

    /**
     * What a batch did.
     *
     * @param retry       ids of the messages to retry, with why
     * @param loaded      manifests committed by this batch (not those skipped as already loaded)
     * @param rows        rows they inserted
     * @param rejected    manifests rejected (to the DLQ)
     * @param stale       manifests with a table recorded stale (older than what is loaded)
     */
    public record BatchOutcome(Map<String, String> retry, long loaded, long rows, long rejected, long stale) {
    }

    /** A manifest record of a message, fetched and parsed. */
    private record Fetched(SqsMessage message, String key, StagedManifest staged) {
    }

    /**
     * Handles one SQS message body holding an S3 notification.
     *
     * @throws TransientLoadException when the message should be retried
     */
    public void handleMessage(String body) {
        Map<String, String> retry = handleBatch(List.of(new SqsMessage(null, body))).retry();
        if (!retry.isEmpty()) {
            throw new TransientLoadException(retry.values().iterator().next());
        }
    }

    /**
     * Handles a batch of SQS messages holding S3 notifications: every manifest is fetched and validated first (a bad
     * one is rejected alone, with its reason), the rest load together in as few transactions as the destination
     * allows.
     *
     * @return what the batch did, and the ids of the messages to retry (what of them is not loaded is not committed)
     */
    public BatchOutcome handleBatch(List<SqsMessage> messages) {
        return handleBatch(messages, null);
    }

    /**
     * {@link #handleBatch(List)} within an invocation's time: the manifests load in sub-batches, smallest first, each
     * sized to what the time left covers at the rate this container measured; nothing commits after the deadline (the
     * time left less a margin); what the time left cannot cover is returned for retry, and a manifest that still
     * cannot load within the timeout on its last receive is rejected with that reason.
     *
     * @param timeLeft the invocation's time left (Lambda's Context.getRemainingTimeInMillis()); null: no limit
     */
    public BatchOutcome handleBatch(List<SqsMessage> messages, java.time.Duration timeLeft) {
        Budget budget = Budget.of(timeLeft);
        Map<String, String> retry = new LinkedHashMap<>();
        long rejectedBefore = rejections.get();
        long loadedManifests = 0;
        long rows = 0;
        long stale = 0;
        List<Future<Fetched>> fetches = new ArrayList<>();
        List<SqsMessage> fetchedFor = new ArrayList<>();
        for (SqsMessage message : messages) {
            List<S3Notifications.ObjectCreated> records;
            try {
                records = S3Notifications.parse(message.body());
            } catch (InvalidInputException e) {
                rejectOrRetry(message, null, null, e.getMessage(), retry);
                continue;
            }
            if (records.isEmpty()) {
                LOG.debug("no object-created record (test event or other event kind): ignored");
            }
            for (S3Notifications.ObjectCreated record : records) {
                fetches.add(fetchPool.submit(() -> fetch(message, record.bucket(), record.key())));
                fetchedFor.add(message);
            }
        }
        List<Fetched> fetched = new ArrayList<>();
        for (int n = 0; n < fetches.size(); n++) {
            Future<Fetched> future = fetches.get(n);
            try {
                Fetched f = budget.deadline().bounded()
                        ? future.get(budget.deadline().remainingNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
                        : future.get();
                if (f != null) {
                    fetched.add(f);
                }
            } catch (ExecutionException e) {
                // whatever went wrong, it went wrong for this message: its siblings go on
                String reason = e.getCause() instanceof RetryOf ? e.getCause().getMessage()
                        : "cannot fetch a manifest: " + e.getCause();
                LOG.warn(reason);
                retry.put(fetchedFor.get(n).id(), reason);
            } catch (java.util.concurrent.TimeoutException e) {
                future.cancel(true);
                String reason = "a manifest of this message could not be fetched before the loader's deadline";
                LOG.warn("message {} will be retried: {}", fetchedFor.get(n).id(), reason);
                retry.put(fetchedFor.get(n).id(), reason);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                messages.forEach(m -> retry.put(m.id(), "interrupted"));
                return new BatchOutcome(retry, 0, 0, 0, 0);
            }
        }
        fetched.removeIf(f -> retry.containsKey(f.message().id()));
        if (!fetched.isEmpty()) {
            Set<String> syncs = new LinkedHashSet<>();
            fetched.forEach(f -> syncs.add(f.staged().manifest().syncId()));
            syncs.forEach(this::recordPlanOnce);
            List<dev.sliceflow.destination.FailedLoad> failedLoads = new ArrayList<>();
            List<Fetched> pending = new ArrayList<>(fetched);
            // smallest first: a manifest too big for the time left never keeps the small ones from loading
            pending.sort(java.util.Comparator.comparingLong(f -> LoadRate.weight(f.staged().manifest())));
            Map<Fetched, Integer> batchOrder = new java.util.IdentityHashMap<>();
            fetched.forEach(f -> batchOrder.put(f, batchOrder.size()));
            boolean first = true;
            while (!pending.isEmpty()) {
                List<Fetched> sub = nextSubBatch(pending, budget, first, retry);
                first = false;
                if (sub.isEmpty()) {
                    break;
                }
                // within a sub-batch, the batch's order (of two manifests of one sync, the later one's rows win)
                sub.sort(java.util.Comparator.comparing(batchOrder::get));
                long weight = sub.stream().mapToLong(f -> LoadRate.weight(f.staged().manifest())).sum();
                long started = System.nanoTime();
                List<ManifestOutcome> outcomes = warehouse.load(sub.stream().map(Fetched::staged).toList(),
                        part -> s3.getObject(b -> b.bucket(bucket).key(part.key())), budget.deadline());
                long elapsed = System.nanoTime() - started;
                long loadedWeight = 0;
                boolean timedOut = false;
                for (int i = 0; i < outcomes.size(); i++) {
                    Fetched f = sub.get(i);
                    Manifest manifest = f.staged().manifest();
                    switch (outcomes.get(i)) {
                        case ManifestOutcome.Loaded loaded -> {
                            if (!loaded.result().skipped()) {
                                loadedWeight += LoadRate.weight(manifest);
                                loadedManifests++;
                                rows += loaded.result().rowsLoaded();
                                stale += loaded.result().tables().stream()
                                        .anyMatch(t -> t.status() == dev.sliceflow.destination.LoadStatus.STALE) ? 1 : 0;
                                LOG.info("loaded manifest {}: sync {} account {} region {} seq {}: {} rows in {} tables",
                                        f.key(), manifest.syncId(), manifest.account(), manifest.region(), manifest.seq(),
                                        loaded.result().rowsLoaded(), loaded.result().tables().size());
                            }
                        }
                        case ManifestOutcome.Rejected rejected -> rejectOrRetry(f.message(), f.key(),
                                f.staged().sha256(), rejected.error().getMessage(), retry);
                        case ManifestOutcome.Retry r when r.error() instanceof LoadTimeoutException -> {
                            timedOut = true;
                            timedOut(f, sub.size(), budget, retry);
                            failedLoads.add(new dev.sliceflow.destination.FailedLoad(f.key(), f.staged().sha256(),
                                    r.error().getMessage()));
                        }
                        case ManifestOutcome.Retry r -> {
                            LOG.warn("manifest {} will be retried: {}", f.key(), r.error().getMessage());
                            retry.put(f.message().id(), r.error().getMessage());
                            failedLoads.add(new dev.sliceflow.destination.FailedLoad(f.key(), f.staged().sha256(),
                                    r.error().getMessage()));
                        }
                    }
                }
                if (timedOut) {
                    rate.timedOut(weight, elapsed);
                } else {
                    rate.measured(loadedWeight, elapsed);
                }
            }
            recordLoadErrors(failedLoads);
            syncs.forEach(this::deleteRemovedSlices);
        }
        return new BatchOutcome(retry, loadedManifests, rows, rejections.get() - rejectedBefore, stale);
    }

    /** An invocation's time: its deadline (the time left less a margin) and the time it had at its start. */
    private record Budget(LoadDeadline deadline, java.time.Duration timeout) {
        /** The margin: time to roll back and report before Lambda ends the invocation. */
        private static final java.time.Duration MAX_MARGIN = java.time.Duration.ofSeconds(10);

        static Budget of(java.time.Duration timeLeft) {
            if (timeLeft == null) {
                return new Budget(LoadDeadline.none(), null);
            }
            java.time.Duration tenth = timeLeft.dividedBy(10);
            java.time.Duration margin = tenth.compareTo(MAX_MARGIN) < 0 ? tenth : MAX_MARGIN;
            return new Budget(LoadDeadline.in(timeLeft.minus(margin)), timeLeft);
        }

        String seconds() {
            return Long.toString((timeout.toMillis() + 500) / 1000);
        }
    }

    /**
     * Takes the next sub-batch from {@code pending} (sorted, smallest first): what {@link LoadRate#budget} allows for
     * the time left, at least one manifest. When the time left cannot cover even the next manifest at the measured
     * rate, every pending manifest is returned for retry, and the result is empty. The first sub-batch of an
     * invocation is always tried (a later invocation would have no more time), and so is a manifest on its last
     * receive: either it loads, or it is rejected with the reason.
     */
    private List<Fetched> nextSubBatch(List<Fetched> pending, Budget budget, boolean first,
                                       Map<String, String> retry) {
        long remaining = budget.deadline().remainingNanos();
        List<Fetched> sub = new ArrayList<>();
        if (budget.deadline().passed()) {
            for (Fetched f : pending) {
                String reason = describe(f) + " was not started: this invocation's time ran out; it loads in a later"
                        + " invocation";
                LOG.warn("manifest {} will be retried: {}", f.key(), reason);
                retry.put(f.message().id(), reason);
            }
            pending.clear();
            return sub;
        }
        long allowed = rate.budget(remaining);
        long weight = 0;
        java.util.Iterator<Fetched> it = pending.iterator();
        while (it.hasNext()) {
            Fetched f = it.next();
            long w = LoadRate.weight(f.staged().manifest());
            if (!sub.isEmpty() && weight + w > allowed) {
                break;
            }
            if (budget.deadline().bounded() && !(first && sub.isEmpty()) && !fits(w, remaining)
                    && !lastReceive(f.message())) {
                break;
            }
            sub.add(f);
            weight += w;
            it.remove();
        }
        if (sub.isEmpty()) {
            for (Fetched f : pending) {
                String reason = describe(f) + " was not started: the " + seconds(remaining) + " s left in this"
                        + " invocation cannot cover it (" + estimate(f) + "); it loads in a later invocation";
                LOG.warn("manifest {} will be retried: {}", f.key(), reason);
                retry.put(f.message().id(), reason);
            }
            pending.clear();
        }
        return sub;
    }

    private boolean fits(long weight, long remainingNanos) {
        java.util.OptionalLong estimate = rate.estimateNanos(weight);
        return estimate.isEmpty() || estimate.getAsLong() <= remainingNanos;
    }

    /** A manifest of a sub-batch that ran out of time: retried, or rejected with the reason on its last receive. */
    private void timedOut(Fetched f, int subBatch, Budget budget, Map<String, String> retry) {
        String reason = describe(f) + " did not load within the loader's timeout of " + budget.seconds() + " s"
                + (subBatch > 1 ? " (with " + (subBatch - 1) + " other manifest(s) in one transaction)" : "")
                + "; nothing of it was committed";
        if (subBatch == 1 && lastReceive(f.message())) {
            rejectOrRetry(f.message(), f.key(), f.staged().sha256(), reason + ", on its receive "
                    + f.message().receiveCount() + " of " + maxReceives.of(f.message().eventSourceArn()).getAsInt()
                    + ". Raise the loader's timeout (at most 900 s) or its memory, or sync the slice in smaller"
                    + " manifests (fewer tables or rows per slice), then redrive it", retry);
            return;
        }
        LOG.warn("manifest {} will be retried: {}", f.key(), reason);
        retry.put(f.message().id(), reason + "; retried");
    }

    private boolean lastReceive(SqsMessage message) {
        java.util.OptionalInt max = maxReceives.of(message.eventSourceArn());
        return max.isPresent() && message.receiveCount() >= max.getAsInt();
    }

    private static String describe(Fetched f) {
        long parts = 0;
        long bytes = 0;
        for (dev.sliceflow.manifest.ManifestTable table : f.staged().manifest().tables()) {
            parts += table.parts().size();
            bytes += table.parts().stream().mapToLong(p -> p.bytes()).sum();
        }
        return "manifest " + f.key() + " (" + parts + " parts, " + bytes + " bytes)";
    }

    private String estimate(Fetched f) {
        java.util.OptionalLong nanos = rate.estimateNanos(LoadRate.weight(f.staged().manifest()));
        return nanos.isEmpty() ? "nothing measured yet" : "estimated " + seconds(nanos.getAsLong()) + " s at the "
                + String.format(java.util.Locale.ROOT, "%.1f", rate.perSecond() / (1 << 20))
                + " MiB/s this loader measured";
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e9);
    }

    /** A failure of one message (its manifest cannot be fetched, its rejection cannot be sent): it is retried. */
    private static final class RetryOf extends RuntimeException {
        RetryOf(String reason, RuntimeException cause) {
            super(reason, cause);
        }
    }

    /** Fetches and validates one record's manifest; null when it is not one (ignored) or was rejected. */
    private Fetched fetch(SqsMessage message, String eventBucket, String key) {
        if (!ObjectLayout.isManifestKey(key)) {
            LOG.debug("{} is not a manifest key: ignored", Identifiers.printable(key));
            return null;
        }
        if (!bucket.equals(eventBucket)) {
            reject(message, key, null, "manifest " + key + " is in bucket "
                    + Identifiers.printable(eventBucket) + ", but this loader loads from " + bucket);
            return null;
        }
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            reject(message, key, null, "manifest " + key + " does not exist (deleted after its event?)");
            return null;
        } catch (RuntimeException e) {
            throw new RetryOf("cannot fetch manifest " + key + ": " + e.getMessage(), e);
        }
        String sha256 = sha256(bytes);
        Manifest manifest;
        try {
            manifest = ManifestCodec.parse(key, bytes);
            requireSyncTimeNotAhead(key, manifest);
        } catch (InvalidInputException e) {
            reject(message, key, sha256, e.getMessage());
            return null;
        }
        return new Fetched(message, key, new StagedManifest(key, sha256, manifest));
    }

    /**
     * Loads the manifest at {@code key} if it is one: a batch of one record.
     *
     * @param original what to put in the DLQ if the manifest is rejected
     * @throws TransientLoadException when it should be retried
     */
    public Outcome load(String eventBucket, String key, String original) {
        SqsMessage message = new SqsMessage(null, original);
        Fetched f;
        try {
            f = fetch(message, eventBucket, key);
        } catch (RetryOf e) {
            throw new TransientLoadException(e.getMessage(), e.getCause());
        }
        if (f == null) {
            return ObjectLayout.isManifestKey(key) ? Outcome.REJECTED : Outcome.IGNORED;
        }
        recordPlanOnce(f.staged().manifest().syncId());
        ManifestOutcome outcome = warehouse.load(List.of(f.staged()),
                part -> s3.getObject(b -> b.bucket(bucket).key(part.key()))).get(0);
        Outcome result = switch (outcome) {
            case ManifestOutcome.Loaded loaded -> loaded.result().skipped() ? Outcome.SKIPPED : Outcome.LOADED;
            case ManifestOutcome.Rejected rejected -> {
                try {
                    reject(message, key, f.staged().sha256(), rejected.error().getMessage());
                } catch (RetryOf e) {
                    throw new TransientLoadException(e.getMessage(), e.getCause());
                }
                yield Outcome.REJECTED;
            }
            case ManifestOutcome.Retry retry -> {
                recordLoadErrors(List.of(new dev.sliceflow.destination.FailedLoad(key, f.staged().sha256(),
                        retry.error().getMessage())));
                throw retry.error();
            }
        };
        deleteRemovedSlices(f.staged().manifest().syncId());
        return result;
    }

    /**
     * After a load (or a skip: the delivery that completed the sync may have failed right here before), the opt-in
     * cleanup of slices the sync no longer covers. The manifest is loaded whatever happens here: a failure is logged,
     * and the next manifest or redelivery of this sync tries again (the cleanup is idempotent).
     */
    private void deleteRemovedSlices(String syncId) {
        if (!deleteRemovedSlices) {
            return;
        }
        try {
            warehouse.deleteRemovedSlices(syncId).forEach((slice, rows) -> LOG.info(
                    "deleted a slice sync {} no longer covers: table account region={} rows={}", syncId, slice, rows));
        } catch (RuntimeException e) {
            LOG.warn("cannot delete the slices sync {} no longer covers (retried with its next manifest): {}", syncId,
                    e.getMessage());
        }
    }

    /**
     * Copies the sync's plan (syncs/sync_id=.../plan.json, written by the planner) into the warehouse the first time
     * this container sees the sync, so _sliceflow_sync_status knows how many slices to expect. A sync sent by hand has
     * no plan; a plan that cannot be read only costs the status its expected count, never the load.
     */
    private void recordPlanOnce(String syncId) {
        if (!plansSeen.add(syncId)) {
            return;
        }
        try {
            byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(ObjectLayout.planKey(syncId))).asByteArray();
            dev.sliceflow.planner.Plan plan = dev.sliceflow.core.Json.mapper().readValue(bytes,
                    dev.sliceflow.planner.Plan.class);
            warehouse.recordPlan(new dev.sliceflow.destination.SyncPlan(plan.syncId(), plan.syncTime(),
                    plan.source().kind(), plan.slices(), plan.accounts().size(), plan.regions().size(),
                    String.join(",", plan.tables())));
        } catch (NoSuchKeyException e) {
            LOG.debug("sync {} has no plan: its status will not know how many slices to expect", syncId);
        } catch (java.io.IOException | RuntimeException e) {
            plansSeen.remove(syncId);
            LOG.warn("cannot record the plan of sync {}: {}", syncId, e.getMessage());
        }
    }

    /**
     * Keeps the last error of each manifest that will be retried, where {@code sliceflow status} shows it (so that a
     * message that reaches the load DLQ by redrive is explained). Best effort, in its own commit: the warehouse may be
     * what failed, and a failure to record never changes the outcome.
     */
    private void recordLoadErrors(List<dev.sliceflow.destination.FailedLoad> failures) {
        if (failures.isEmpty()) {
            return;
        }
        try {
            warehouse.recordLoadErrors(failures);
        } catch (RuntimeException e) {
            LOG.warn("could not record the load errors of {} manifests (first {}): {}", failures.size(),
                    failures.get(0).manifestKey(), e.getMessage());
        }
    }

    /**
     * A manifest from the future would make every later sync of its slice stale (the state's last syncTime only
     * moves forward): refused, as the worker refuses such a request, with the same skew.
     */
    private void requireSyncTimeNotAhead(String key, Manifest manifest) {
        java.time.Instant now = clock.instant();
        if (manifest.syncTime().isAfter(now.plus(dev.sliceflow.request.SyncRequest.MAX_FUTURE_SKEW))) {
            throw new InvalidInputException("manifest " + key + ": syncTime " + manifest.syncTime() + " is more than "
                    + dev.sliceflow.request.SyncRequest.MAX_FUTURE_SKEW.toMinutes() + " minutes ahead of the loader's"
                    + " clock (" + now + "): it would make every later sync of slice " + manifest.account() + "/"
                    + manifest.region() + " stale");
        }
    }

    /** {@link #reject} within a batch: when the rejection cannot be sent, the message alone is retried. */
    private void rejectOrRetry(SqsMessage message, String key, String sha256, String reason,
                               Map<String, String> retry) {
        try {
            reject(message, key, sha256, reason);
        } catch (RetryOf e) {
            retry.put(message.id(), e.getMessage());
        }
    }

    /**
     * Records the rejection and sends the message to the load DLQ with the reason.
     *
     * @throws RetryOf when the DLQ cannot be written: the message is retried, better than deleted without its reason
     */
    private void reject(SqsMessage message, String key, String sha256, String reason) {
        LOG.error("rejected: {}", reason);
        if (key != null) {
            try {
                warehouse.recordRejected(key, sha256, reason);
            } catch (RuntimeException e) {
                LOG.warn("could not record the rejection of {} in the warehouse: {}", key, e.getMessage());
            }
        }
        try {
            deadLetters.send(message, reason);
        } catch (RuntimeException e) {
            throw new RetryOf("rejected, but the rejection cannot be sent to the load dead-letter queue ("
                    + e.getMessage() + "): " + reason, e);
        }
        rejections.incrementAndGet();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Closes the warehouse connection. */
    @Override
    public void close() {
        fetchPool.shutdownNow();
        warehouse.close();
    }
}

package dev.sliceflow.loader;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.runtime.AwsClients;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.destination.LoadResult;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.Warehouses;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

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

    /** What became of one notification record. */
    public enum Outcome { LOADED, SKIPPED, REJECTED, IGNORED }

    /** Syncs whose plan this container has recorded (bounded by the syncs one container sees). */
    private final java.util.Set<String> plansSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final S3Client s3;
    private final String bucket;
    private final Warehouse warehouse;
    private final LoadDeadLetters deadLetters;

    private final boolean deleteRemovedSlices;

    public ManifestLoader(S3Client s3, String bucket, Warehouse warehouse, LoadDeadLetters deadLetters) {
        this(s3, bucket, warehouse, deadLetters, false);
    }

    /** @param deleteRemovedSlices after a load completes a replace sync, delete the slices it no longer covers */
    public ManifestLoader(S3Client s3, String bucket, Warehouse warehouse, LoadDeadLetters deadLetters,
                          boolean deleteRemovedSlices) {
        this.s3 = s3;
        this.bucket = bucket;
        this.warehouse = warehouse;
        this.deadLetters = deadLetters;
        this.deleteRemovedSlices = deleteRemovedSlices;
    }

    /** Builds the collaborators once per container: S3 and SQS clients, the warehouse (its secret fetched now). */
    public static ManifestLoader create(Settings settings) {
        AwsClients clients = settings.clients();
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
        Warehouse warehouse = Warehouses.open(Warehouses.config(settings, secrets),
                () -> Warehouses.config(settings, secrets));
        LoadDeadLetters deadLetters = settings.loadDlqUrl()
                .map(url -> LoadDeadLetters.sqs(clients.sqs(), url))
                .orElseGet(LoadDeadLetters::logOnly);
        return new ManifestLoader(clients.s3(), settings.bucket(), warehouse, deadLetters,
                settings.deleteRemovedSlices());
    }

    /**
     * Handles one SQS message body holding an S3 notification.
     *
     * @throws TransientLoadException (or another runtime exception) when the message should be retried
     */
    public void handleMessage(String body) {
        List<S3Notifications.ObjectCreated> records;
        try {
            records = S3Notifications.parse(body);
        } catch (InvalidInputException e) {
            reject(body, null, null, e.getMessage());
            return;
        }
        if (records.isEmpty()) {
            LOG.debug("no object-created record (test event or other event kind): ignored");
        }
        for (S3Notifications.ObjectCreated record : records) {
            load(record.bucket(), record.key(), body);
        }
    }

    /**
     * Loads the manifest at {@code key} if it is one.
     *
     * @param original what to put in the DLQ if the manifest is rejected
     */
    public Outcome load(String eventBucket, String key, String original) {
        if (!ObjectLayout.isManifestKey(key)) {
            LOG.debug("{} is not a manifest key: ignored", Identifiers.printable(key));
            return Outcome.IGNORED;
        }
        if (!bucket.equals(eventBucket)) {
            return reject(original, key, null, "manifest " + key + " is in bucket " + Identifiers.printable(eventBucket)
                    + ", but this loader loads from " + bucket);
        }
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        } catch (NoSuchKeyException e) {
            return reject(original, key, null, "manifest " + key + " does not exist (deleted after its event?)");
        }
        String sha256 = sha256(bytes);
        Manifest manifest;
        try {
            manifest = ManifestCodec.parse(key, bytes);
            checkPartKeys(key, manifest);
        } catch (InvalidInputException e) {
            return reject(original, key, sha256, e.getMessage());
        }
        if (warehouse.isLoaded(key, sha256)) {
            LOG.info("manifest {} (sha256 {}) is already loaded: skipped", key, sha256);
            deleteRemovedSlices(manifest.syncId());
            return Outcome.SKIPPED;
        }
        recordPlanOnce(manifest.syncId());
        verifyParts(key, manifest);
        LoadResult result;
        try {
            result = warehouse.load(manifest, key, sha256,
                    part -> s3.getObject(b -> b.bucket(bucket).key(part.key())));
        } catch (InvalidInputException e) {
            return reject(original, key, sha256, e.getMessage());
        }
        if (!result.skipped()) {
            LOG.info("loaded manifest {}: sync {} account {} region {} seq {}: {} rows in {} tables", key,
                    manifest.syncId(), manifest.account(), manifest.region(), manifest.seq(), result.rowsLoaded(),
                    result.tables().size());
        }
        deleteRemovedSlices(manifest.syncId());
        return result.skipped() ? Outcome.SKIPPED : Outcome.LOADED;
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

    /** A part must lie under its own table's data prefix: a manifest cannot make the loader read other objects. */
    private static void checkPartKeys(String key, Manifest manifest) {
        for (ManifestTable table : manifest.tables()) {
            String prefix = ObjectLayout.DATA_PREFIX + table.name() + "/";
            for (ManifestPart part : table.parts()) {
                if (!part.key().startsWith(prefix) || part.key().contains("..")) {
                    throw new InvalidInputException("manifest " + key + ": part " + Identifiers.printable(part.key())
                            + " of table " + table.name() + " is not under " + prefix);
                }
            }
        }
    }

    /** Every listed part exists with its listed size, before any load starts. */
    private void verifyParts(String key, Manifest manifest) {
        for (ManifestTable table : manifest.tables()) {
            for (ManifestPart part : table.parts()) {
                HeadObjectResponse head;
                try {
                    head = s3.headObject(b -> b.bucket(bucket).key(part.key()));
                } catch (NoSuchKeyException e) {
                    throw new TransientLoadException("cannot load manifest " + key + ": part " + part.key()
                            + " does not exist", e);
                } catch (S3Exception e) {
                    if (e.statusCode() == 404) {
                        throw new TransientLoadException("cannot load manifest " + key + ": part " + part.key()
                                + " does not exist", e);
                    }
                    throw e;
                }
                if (head.contentLength() == null || head.contentLength() != part.bytes()) {
                    throw new TransientLoadException("cannot load manifest " + key + ": part " + part.key() + " has "
                            + head.contentLength() + " bytes, manifest says " + part.bytes());
                }
            }
        }
    }

    private Outcome reject(String original, String key, String sha256, String reason) {
        LOG.error("rejected: {}", reason);
        if (key != null) {
            try {
                warehouse.recordRejected(key, sha256, reason);
            } catch (RuntimeException e) {
                LOG.warn("could not record the rejection of {} in the warehouse: {}", key, e.getMessage());
            }
        }
        // if this fails the message is retried: better than losing the reason
        deadLetters.send(original, reason);
        return Outcome.REJECTED;
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
        warehouse.close();
    }
}

package dev.sliceflow.local.cli;

import dev.sliceflow.core.Json;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.planner.SyncLauncher;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.staging.ObjectLayout;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The demo's sync, shared by {@code sliceflow demo} and {@code bench/run demo}: a synthetic spec of N accounts x M
 * regions x every synthetic table, launched through the planner's {@link SyncLauncher} (so {@code plan.json} exists and
 * the warehouse's sync status knows how many slices to expect), and a probe of what S3 holds for it.
 */
public final class DemoSync {
    /** Regions in the order the demo takes them. */
    public static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2",
            "eu-central-1", "ap-northeast-1", "sa-east-1", "ca-central-1", "us-east-2", "eu-north-1", "ap-south-1",
            "us-west-1", "eu-west-2", "ap-northeast-2", "eu-west-3", "ap-southeast-1", "ap-northeast-3");
    /** Accounts are 12 digits from here up. */
    private static final long FIRST_ACCOUNT = 100_000_000_001L;

    private DemoSync() {
    }

    /**
     * The demo's spec: {@code accounts} accounts ({@code 100000000001} up), the first {@code regions} of
     * {@link #REGIONS}, every synthetic table, replace mode.
     */
    public static SyncSpec spec(int accounts, int regions, long rowsPerTable, long seed) {
        if (accounts < 1) {
            throw new IllegalStateException("--accounts must be at least 1, not " + accounts);
        }
        if (regions < 1 || regions > REGIONS.size()) {
            throw new IllegalStateException("--regions must be 1.." + REGIONS.size() + ", not " + regions);
        }
        if (rowsPerTable < 0) {
            throw new IllegalStateException("--rows-per-table must be >= 0, not " + rowsPerTable);
        }
        List<String> accountIds = new ArrayList<>(accounts);
        for (int i = 0; i < accounts; i++) {
            accountIds.add(Long.toString(FIRST_ACCOUNT + i));
        }
        SourceSpec source = new SourceSpec("synthetic", Map.of("rowsPerTable", Long.toString(rowsPerTable),
                "seed", Long.toString(seed)));
        return new SyncSpec("demo", source, new SyncSpec.Accounts(accountIds, false, List.of(), List.of()),
                REGIONS.subList(0, regions), List.of("*"), List.of(), WriteMode.REPLACE, null);
    }

    /**
     * Plans and enqueues the spec on the runtime's sync queue, as {@code sliceflow enqueue} and the scheduled planner
     * do. A sync id already enqueued sends nothing unless {@code force}.
     */
    public static SyncLauncher.Launch launch(LocalRuntime runtime, SyncSpec spec, Instant syncTime,
                                             Optional<String> syncId, boolean force, LongConsumer progress) {
        return CompositionRoot.launcher(runtime.settings(), runtime.s3(), runtime.sqs(),
                CompositionRoot.ENQUEUE_CONCURRENCY).launch(spec, syncTime, syncId, runtime.queues().sync().url(), force,
                progress);
    }

    /** The sync time in the sync's plan.json, if it was planned. */
    public static Optional<Instant> plannedSyncTime(LocalRuntime runtime, String syncId) {
        try {
            byte[] json = runtime.s3().getObjectAsBytes(b -> b.bucket(runtime.bucket())
                    .key(ObjectLayout.planKey(syncId))).asByteArray();
            return Optional.of(Json.mapper().readValue(json, Plan.class).syncTime());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the plan of sync " + syncId + ": " + e.getMessage(), e);
        }
    }

    /** What S3 holds of a sync: its committed slices (last manifests) and what their manifests list. */
    public record Committed(long slices, long manifests, long rows, long bytes, long tablesFailed) {
    }

    /**
     * Lists a sync's manifests and reads each new one once (the listing is one request per 1,000 keys, a manifest
     * a few hundred bytes): cheap enough to run every half second while the sync runs. Thread-safe.
     */
    public static final class CommittedProbe {
        private final LocalRuntime runtime;
        private final String prefix;
        private final Map<String, Manifest> seen = new ConcurrentHashMap<>();

        public CommittedProbe(LocalRuntime runtime, String syncId) {
            this.runtime = runtime;
            this.prefix = ObjectLayout.MANIFESTS_PREFIX + "sync_id=" + syncId + "/";
        }

        public synchronized Committed read() {
            for (S3Object object : runtime.s3().listObjectsV2Paginator(b -> b.bucket(runtime.bucket())
                    .prefix(prefix)).contents()) {
                if (ObjectLayout.isManifestKey(object.key()) && !seen.containsKey(object.key())) {
                    byte[] bytes = runtime.s3().getObjectAsBytes(b -> b.bucket(runtime.bucket())
                            .key(object.key())).asByteArray();
                    seen.put(object.key(), ManifestCodec.parse(object.key(), bytes));
                }
            }
            long slices = 0;
            long rows = 0;
            long bytes = 0;
            long failed = 0;
            for (Manifest manifest : seen.values()) {
                slices += manifest.last() ? 1 : 0;
                rows += manifest.totalRows();
                for (ManifestTable table : manifest.tables()) {
                    failed += table.status() == TableStatus.FAILED ? 1 : 0;
                    bytes += table.parts().stream().mapToLong(ManifestPart::bytes).sum();
                }
            }
            return new Committed(slices, seen.size(), rows, bytes, failed);
        }
    }
}

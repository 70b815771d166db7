package dev.sliceflow.staging;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.request.Compression;
import java.time.LocalDate;

/**
 * The S3 keys sliceflow writes (docs/object-layout.md). Hive-style, so Athena, Glue and warehouses address them by
 * prefix. Every segment is validated first: nothing from input reaches a key unchecked.
 *
 * <pre>
 * data/&lt;table&gt;/sync_date=&lt;yyyy-mm-dd&gt;/sync_id=&lt;syncId&gt;/account=&lt;account&gt;/region=&lt;region&gt;/part-&lt;attempt&gt;-&lt;n&gt;.csv.gz
 * manifests/sync_id=&lt;syncId&gt;/account=&lt;account&gt;/region=&lt;region&gt;/manifest-&lt;seq&gt;.json
 * syncs/sync_id=&lt;syncId&gt;/plan.json
 * </pre>
 */
public final class ObjectLayout {
    public static final String DATA_PREFIX = "data/";
    public static final String MANIFESTS_PREFIX = "manifests/";
    public static final String SYNCS_PREFIX = "syncs/";
    public static final String MANIFEST_SUFFIX = ".json";

    private ObjectLayout() {
    }

    /** Part n (from 0) of a table in one attempt of a slice. */
    public static String partKey(String table, LocalDate syncDate, String syncId, String account, String region,
                                 String attempt, int n, Compression compression) {
        return DATA_PREFIX + Identifiers.table(table)
                + "/sync_date=" + syncDate
                + "/sync_id=" + Identifiers.syncId(syncId)
                + "/account=" + Identifiers.account(account)
                + "/region=" + Identifiers.region(region)
                + "/part-" + Identifiers.attempt(attempt) + "-" + n + compression.suffix();
    }

    public static String manifestKey(String syncId, String account, String region, int seq) {
        return manifestPrefix(syncId, account, region) + "manifest-" + seq + MANIFEST_SUFFIX;
    }

    /** The prefix of a slice's manifests (all its seq numbers). */
    public static String manifestPrefix(String syncId, String account, String region) {
        return MANIFESTS_PREFIX + "sync_id=" + Identifiers.syncId(syncId)
                + "/account=" + Identifiers.account(account)
                + "/region=" + Identifiers.region(region) + "/";
    }

    public static String planKey(String syncId) {
        return SYNCS_PREFIX + "sync_id=" + Identifiers.syncId(syncId) + "/plan.json";
    }

    /** True for keys a loader should load: manifests/.../manifest-&lt;n&gt;.json. */
    public static boolean isManifestKey(String key) {
        return key.startsWith(MANIFESTS_PREFIX) && key.endsWith(MANIFEST_SUFFIX)
                && key.substring(key.lastIndexOf('/') + 1).startsWith("manifest-");
    }
}

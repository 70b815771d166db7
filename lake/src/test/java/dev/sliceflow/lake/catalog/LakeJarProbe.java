package dev.sliceflow.lake.catalog;

import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.inmemory.InMemoryCatalog;

/**
 * Run by {@code LakeLoaderJarIT} in a JVM of its own whose class path is the shaded loader jar and the test classes
 * only: every Parquet codec written and read through Iceberg with the jar's trimmed Hadoop, and, given moto's
 * endpoint, the Glue catalog and S3FileIO over the jar's own url-connection client, credentials from the environment
 * as in Lambda. Prints one line per check; exits 1 on the first mismatch.
 * <pre>java -cp sliceflow-lake-loader.jar:test-classes dev.sliceflow.lake.catalog.LakeJarProbe [moto endpoint bucket]</pre>
 */
public final class LakeJarProbe {
    static final List<String> CODECS = List.of("zstd", "snappy", "gzip", "uncompressed");

    private LakeJarProbe() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        for (String codec : CODECS) {
            try (InMemoryCatalog catalog = new InMemoryCatalog()) {
                catalog.initialize("probe", Map.of("warehouse", "memory://lake"));
                check("memory " + codec, LakeRoundTrip.run(catalog, "probe", "items_" + codec, codec));
            }
        }
        if (args.length == 2) {
            LakeUrl lake = LakeUrl.parse("iceberg:glue?warehouse=s3://" + args[1] + "/lake&namespace=probe"
                    + "&glue.endpoint=" + args[0] + "&s3.endpoint=" + args[0]);
            Catalog catalog = LakeCatalogs.open(lake);
            try {
                check("glue zstd", LakeRoundTrip.run(catalog, lake.namespace(), "items", "zstd"));
            } finally {
                ((java.io.Closeable) catalog).close();
            }
        }
        System.out.println("probe: all checks passed in " + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    private static void check(String what, LakeRoundTrip.Result result) {
        List<String> expected = List.of("1:a:" + LakeRoundTrip.AT, "2:null:" + LakeRoundTrip.AT,
                "3::" + LakeRoundTrip.AT);
        boolean ok = result.rows().size() == 3 && result.rows().containsAll(expected) && result.snapshots() == 3
                && result.staleCommitRefused();
        System.out.println("probe: " + what + (ok ? " ok" : " FAILED: " + result));
        if (!ok) {
            System.exit(1);
        }
    }
}

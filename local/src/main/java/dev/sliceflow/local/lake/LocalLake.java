package dev.sliceflow.local.lake;

import dev.sliceflow.lake.FileSizing;
import dev.sliceflow.lake.IcebergWarehouse;
import dev.sliceflow.lake.LakeViews;
import dev.sliceflow.lake.catalog.LakeUrl;
import dev.sliceflow.local.runtime.LocalRuntime;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;

/**
 * Local mode's lake (docs/lake.md, "Local mode"): an Iceberg JDBC catalog on SQLite in {@code DIR/lake-catalog.db}
 * and the table data in the local S3 bucket under {@code lake/}, the same object-store path as in AWS. Loaders write
 * through S3; {@code query} and {@code status} read the blob store's files directly, through DuckDB views.
 */
public final class LocalLake {
    /** What {@code --warehouse} takes to mean this lake. */
    public static final String NAME = "iceberg";

    private LocalLake() {
    }

    /** The loaders' lake URL: through the runtime's S3, with its keys. */
    public static String url(Path dir, LocalRuntime runtime) {
        Map<String, String> env = runtime.environment();
        return base(dir, runtime.bucket())
                + "&s3.endpoint=" + encode(env.get("SLICEFLOW_S3_ENDPOINT"))
                + "&s3.path-style-access=true"
                + "&s3.access-key-id=" + encode(env.get("AWS_ACCESS_KEY_ID"))
                + "&s3.secret-access-key=" + encode(env.get("AWS_SECRET_ACCESS_KEY"))
                + "&client.region=" + encode(env.get("AWS_REGION"));
    }

    /** The lake of DIR, for reading (any S3 settings in it are not used: files are read from the blob store). */
    public static String url(Path dir, String bucket) {
        return base(dir, bucket);
    }

    /**
     * WAL and a busy timeout: SQLite's default rollback journal lets one connection touch the file at a time, and
     * loaders, the demo's progress and {@code query} read it at once.
     */
    private static String base(Path dir, String bucket) {
        return LakeUrl.SCHEME + "jdbc:sqlite:" + dir.resolve("lake-catalog.db").toAbsolutePath()
                + "?warehouse=s3://" + bucket + "/lake&jdbc.journal_mode=WAL&jdbc.busy_timeout=30000";
    }

    public static boolean isLake(String url) {
        return url != null && LakeUrl.isLake(url);
    }

    /** The lake read from DIR's blob store: bookkeeping (status) without S3. */
    public static IcebergWarehouse open(String url, Path dir) {
        return new IcebergWarehouse(catalog(url, dir), LakeUrl.parse(url).namespace(), FileSizing.DEFAULT,
                Runnable::run);
    }

    /** A DuckDB connection whose views are the lake's tables (and bookkeeping) as of now. */
    public static Connection connect(String url, Path dir) throws SQLException {
        Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Catalog catalog = catalog(url, dir);
        try {
            LakeViews.create(duck, catalog, org.apache.iceberg.catalog.Namespace.of(LakeUrl.parse(url).namespace()),
                    LakeViews.blobStore(blobStore(dir)));
        } catch (SQLException | RuntimeException e) {
            duck.close();
            throw e;
        } finally {
            if (catalog instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception ignored) {
                    // read only
                }
            }
        }
        return duck;
    }

    private static Catalog catalog(String url, Path dir) {
        LakeUrl lake = LakeUrl.parse(url);
        Map<String, String> properties = new LinkedHashMap<>(lake.properties());
        properties.put("io-impl", BlobStoreFileIO.class.getName());
        properties.put(BlobStoreFileIO.ROOT, blobStore(dir).toString());
        return IcebergWarehouse.openCatalog(new LakeUrl(lake.catalog(), lake.uri(), lake.namespace(), properties));
    }

    private static Path blobStore(Path dir) {
        return dir.resolve("s3").toAbsolutePath();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}

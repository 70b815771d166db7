package dev.sliceflow.lake;

import dev.sliceflow.lake.catalog.LakeCatalogs;
import dev.sliceflow.lake.catalog.LakeUrl;
import dev.sliceflow.testing.LocalS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;

/**
 * A lake for one test: a JDBC catalog on SQLite in a fresh directory under target/, table data in its own s3proxy
 * bucket, and DuckDB connections whose views read the lake's current snapshots ({@link LakeViews}).
 */
final class TestLake {
    private static final Path ROOT = Path.of("target", "lake-tests").toAbsolutePath();
    final Path dir;
    final String bucket;
    final String url;

    TestLake() {
        try {
            Files.createDirectories(ROOT);
            dir = Files.createTempDirectory(ROOT, "lake-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalS3 s3 = LocalS3.get();
        bucket = s3.newBucket();
        url = "iceberg:jdbc:sqlite:" + dir.resolve("catalog.db") + "?warehouse=s3://" + bucket + "/lake"
                + "&s3.endpoint=" + s3.endpoint() + "&s3.path-style-access=true"
                + "&s3.access-key-id=" + LocalS3.ACCESS_KEY + "&s3.secret-access-key=" + LocalS3.SECRET_KEY
                + "&client.region=us-east-1&jdbc.journal_mode=WAL&jdbc.busy_timeout=30000";
    }

    IcebergWarehouse open() {
        return IcebergWarehouse.open(url);
    }

    IcebergWarehouse open(long targetFileBytes) {
        return open(new FileSizing(targetFileBytes, FileSizing.DEFAULT.rowsPerWriter(), 1));
    }

    IcebergWarehouse open(FileSizing sizing) {
        LakeUrl lake = LakeUrl.parse(url);
        return new IcebergWarehouse(IcebergWarehouse.openCatalog(lake), lake.namespace(), sizing,
                java.util.concurrent.ForkJoinPool.commonPool(), CommitGate.of(lake));
    }

    Catalog catalog() {
        return IcebergWarehouse.openCatalog(LakeUrl.parse(url));
    }

    Namespace namespace() {
        return Namespace.of("sliceflow");
    }

    /** A DuckDB connection with a view per lake table, as of now. */
    Connection connect() throws SQLException {
        Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Catalog catalog = catalog();
        try {
            LakeViews.create(duck, catalog, namespace(), LakeViews.downloading(
                    new org.apache.iceberg.aws.s3.S3FileIO(() -> LocalS3.get().client()), dir.resolve("files")));
        } catch (SQLException | RuntimeException e) {
            duck.close();
            throw e;
        } finally {
            if (catalog instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // read-only use
                }
            }
        }
        return duck;
    }

    String id() {
        return UUID.randomUUID().toString();
    }
}

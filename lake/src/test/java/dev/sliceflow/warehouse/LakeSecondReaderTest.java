package dev.sliceflow.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.lake.IcebergWarehouse;
import dev.sliceflow.lake.LakeViews;
import dev.sliceflow.lake.catalog.LakeUrl;
import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.Column;
import dev.sliceflow.testing.JdbcValues;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * Readers that share no code with the writer (sliceflow writes its data files itself, FlatParquetFile) or the views:
 * DuckDB's read_parquet on the table's one data file, and Iceberg's own generic reader (parquet-mr underneath) on
 * the table; every value of the contract's lossless corpus compared with the source, and the Iceberg schema's types.
 */
class LakeSecondReaderTest {
    @Test
    void readParquet_onTheDataFile_returnsEveryValueOfTheLosslessCorpus() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "second-reader");
        LocalS3 s3 = LocalS3.get();
        String bucket = s3.newBucket();
        String url = "iceberg:jdbc:sqlite:" + dir.resolve("catalog.db").toAbsolutePath() + "?warehouse=s3://" + bucket
                + "/lake&s3.endpoint=" + s3.endpoint() + "&s3.path-style-access=true&s3.access-key-id="
                + LocalS3.ACCESS_KEY + "&s3.secret-access-key=" + LocalS3.SECRET_KEY
                + "&client.region=us-east-1&jdbc.journal_mode=WAL";
        List<List<Object>> rows = WarehouseContract.everyTypeRows();
        Fixture f = ManifestFixtures.manifest("sync-1", WarehouseContract.T1).compression(Compression.GZIP)
                .table(WarehouseContract.EVERY_TYPE, rows, 7).build();
        try (IcebergWarehouse lake = IcebergWarehouse.open(url)) {
            lake.load(List.of(new StagedManifest(f.key(), f.sha256(), f.manifest())), f.opener());
        }
        Catalog catalog = IcebergWarehouse.openCatalog(LakeUrl.parse(url));
        Table table = catalog.loadTable(TableIdentifier.of("sliceflow", "every_type"));
        assertThat(table.schema().findField("ts").type().toString()).isEqualTo("timestamptz");
        assertThat(table.schema().findField("n").type().toString()).isEqualTo("decimal(38, 9)");
        assertThat(table.schema().findField("j").doc()).isEqualTo("sliceflow:JSON");
        assertThat(((org.apache.iceberg.HasTableOperations) table).operations().current().formatVersion()).isEqualTo(2);
        assertThat(table.properties()).containsEntry("write.parquet.compression-codec", "zstd");
        List<String> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(t -> {
                assertThat(t.deletes()).isEmpty();
                files.add(t.file().location());
            });
        }
        assertThat(files).hasSize(1);
        String local = LakeViews.downloading(table.io(), dir.resolve("files")).local(files.get(0));

        Map<Long, List<Object>> actual = new HashMap<>();
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, s, l, d, n, b, ts, dt, j FROM read_parquet('" + local + "')")) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < WarehouseContract.EVERY_TYPE.width(); i++) {
                    row.add(JdbcValues.read(rs, i + 1, WarehouseContract.EVERY_TYPE.column(i).type()));
                }
                actual.put((Long) row.get(0), row);
            }
        }
        assertThat(actual).hasSize(rows.size());
        for (List<Object> expected : rows) {
            List<Object> got = actual.get((Long) expected.get(0));
            for (int i = 0; i < WarehouseContract.EVERY_TYPE.width(); i++) {
                Column column = WarehouseContract.EVERY_TYPE.column(i);
                JdbcValues.assertSame("row " + expected.get(0) + " column " + column.name(), expected.get(i), got.get(i));
            }
        }

        Map<Long, List<Object>> iceberg = new HashMap<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            for (Record r : records) {
                List<Object> row = new ArrayList<>();
                for (int i = 0; i < WarehouseContract.EVERY_TYPE.width(); i++) {
                    Object v = r.getField(WarehouseContract.EVERY_TYPE.column(i).name());
                    row.add(v instanceof OffsetDateTime t ? t.toInstant() : v instanceof CharSequence cs ? cs.toString() : v);
                }
                iceberg.put((Long) row.get(0), row);
                assertThat(r.getField("_sync_id")).isEqualTo("sync-1");
                assertThat(r.getField("_account")).isEqualTo(ManifestFixtures.ACCOUNT);
                assertThat(((OffsetDateTime) r.getField("_sync_time")).toInstant()).isEqualTo(WarehouseContract.T1);
            }
        }
        assertThat(iceberg).hasSize(rows.size());
        for (List<Object> expected : rows) {
            List<Object> got = iceberg.get((Long) expected.get(0));
            for (int i = 0; i < WarehouseContract.EVERY_TYPE.width(); i++) {
                JdbcValues.assertSame("Iceberg's reader, row " + expected.get(0) + " column "
                        + WarehouseContract.EVERY_TYPE.column(i).name(), expected.get(i), got.get(i));
            }
        }
        if (catalog instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}

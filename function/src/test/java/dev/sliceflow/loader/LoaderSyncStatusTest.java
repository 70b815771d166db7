package dev.sliceflow.loader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.core.Json;
import dev.sliceflow.planner.Plan;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.warehouse.PostgresWarehouse;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Fan-in through the loader: the planner's plan in S3 reaches the status view; removed slices are cleaned up. */
class LoaderSyncStatusTest {
    private static final TableSchema ITEMS = new TableSchema("items",
            List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));
    private static final String GONE = "999988887777";

    private final LocalS3 local = LocalS3.get();
    private final S3Client s3 = local.client();
    private final String bucket = local.newBucket();
    private final String url = LocalPostgres.get().newDatabase();
    private final Warehouse warehouse = PostgresWarehouse.open(
            new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of("")));

    @AfterEach
    void close() {
        warehouse.close();
    }

    private ManifestLoader loader(boolean deleteRemoved) {
        return new ManifestLoader(s3, bucket, warehouse, (message, reason) -> {
            throw new AssertionError("rejected: " + reason);
        }, deleteRemoved);
    }

    private static Fixture items(String syncId, Instant time, String account, long... ids) {
        List<List<Object>> rows = new ArrayList<>();
        for (long id : ids) {
            rows.add(ManifestFixtures.row(id, "item " + id));
        }
        return ManifestFixtures.manifest(syncId, time).account(account).table(ITEMS, rows).build();
    }

    private void plan(String syncId, Instant time, List<String> accounts) throws Exception {
        Plan plan = new Plan(Plan.FORMAT_VERSION, syncId, time, SourceSpec.of(ManifestFixtures.SOURCE), List.of("items"),
                WriteMode.REPLACE, CsvOptions.defaults(), accounts, List.of(ManifestFixtures.REGION),
                accounts.size());
        s3.putObject(b -> b.bucket(bucket).key(ObjectLayout.planKey(syncId)),
                RequestBody.fromBytes(Json.mapper().writeValueAsBytes(plan)));
    }

    private void load(ManifestLoader loader, Fixture fixture) {
        fixture.upload(s3, bucket);
        assertThat(loader.load(bucket, fixture.key(), "{}")).isEqualTo(ManifestLoader.Outcome.LOADED);
    }

    private List<Long> ids() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM items ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    @Test
    void load_whenThePlanIsInS3_statusCountsExpectedSlicesAndTurnsCompleteWithTheLast() throws Exception {
        Instant t = Instant.parse("2026-11-25T03:00:00Z");
        plan("nightly-1", t, List.of(ManifestFixtures.ACCOUNT, GONE));
        ManifestLoader loader = loader(false);

        load(loader, items("nightly-1", t, ManifestFixtures.ACCOUNT, 1, 2));
        SyncStatus half = warehouse.syncStatus(Optional.of("nightly-1")).get(0);
        load(loader, items("nightly-1", t, GONE, 3));
        SyncStatus done = warehouse.syncStatus(Optional.of("nightly-1")).get(0);

        assertThat(half.slicesExpected()).isEqualTo(2);
        assertThat(half.slicesLoaded()).isEqualTo(1);
        assertThat(half.complete()).isFalse();
        assertThat(done.complete()).isTrue();
        assertThat(done.rowsLoaded()).isEqualTo(3);
    }

    @Test
    void load_whenOptedIn_andACompleteSyncNoLongerPlansAnAccount_deletesThatAccountsRows() throws Exception {
        Instant t1 = Instant.parse("2026-11-24T03:00:00Z");
        Instant t2 = Instant.parse("2026-11-25T03:00:00Z");
        plan("nightly-1", t1, List.of(ManifestFixtures.ACCOUNT, GONE));
        load(loader(true), items("nightly-1", t1, ManifestFixtures.ACCOUNT, 1, 2));
        load(loader(true), items("nightly-1", t1, GONE, 3, 4));
        assertThat(ids()).containsExactly(1L, 2L, 3L, 4L);

        plan("nightly-2", t2, List.of(ManifestFixtures.ACCOUNT));
        load(loader(true), items("nightly-2", t2, ManifestFixtures.ACCOUNT, 1, 5));

        assertThat(ids()).containsExactly(1L, 5L);
    }

    @Test
    void load_whenNotOptedIn_keepsRowsOfSlicesTheSyncNoLongerCovers() throws Exception {
        Instant t1 = Instant.parse("2026-11-24T03:00:00Z");
        Instant t2 = Instant.parse("2026-11-25T03:00:00Z");
        load(loader(false), items("nightly-1", t1, GONE, 3));
        plan("nightly-2", t2, List.of(ManifestFixtures.ACCOUNT));
        load(loader(false), items("nightly-2", t2, ManifestFixtures.ACCOUNT, 1));

        assertThat(ids()).containsExactly(1L, 3L);
    }
}

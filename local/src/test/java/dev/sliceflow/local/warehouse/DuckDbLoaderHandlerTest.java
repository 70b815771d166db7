package dev.sliceflow.local.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.TestDirs;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Local mode's path: the same LoaderHandler, built from settings, finds DuckDB through the provider SPI. */
class DuckDbLoaderHandlerTest {
    /** The bucket the sample events name. */
    private static final String BUCKET = "sliceflow-staging-111122223333";

    @Test
    void handle_sampleManifestEvent_loadsIntoDuckDbOnce() throws Exception {
        LocalS3 s3 = LocalS3.get();
        s3.bucket(BUCKET);
        TableSchema items = new TableSchema("items",
                List.of(Column.required("id", ColumnType.LONG), Column.of("name", ColumnType.STRING)), List.of("id"));
        ManifestFixtures.manifest("sync-1", Instant.parse("2026-01-01T00:00:00Z"))
                .table(items, List.of(ManifestFixtures.row(1L, "one"), ManifestFixtures.row(2L, "")), 1)
                .build().upload(s3.client(), BUCKET);
        Path db = TestDirs.create("duckdb-loader").resolve("loader.duckdb");
        Map<String, String> env = s3.environment(BUCKET);
        env.put("SLICEFLOW_WAREHOUSE_URL", "jdbc:duckdb:" + db);
        LoaderHandler handler = new LoaderHandler(Settings.from(env));
        SQSEvent event = EventLoader.loadSQSEvent("../events/loader-sqs-manifest.json");

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name, _account FROM items ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(1L);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(2)).isEmpty();
            assertThat(rs.getString(3)).isEqualTo(ManifestFixtures.ACCOUNT);
            assertThat(rs.next()).isFalse();
        }
    }
}

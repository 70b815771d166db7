package dev.sliceflow.local.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.TestDirs;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.WarehouseContract;
import dev.sliceflow.warehouse.Warehouses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DuckDbWarehouseTest extends WarehouseContract {
    protected Path dir;
    protected String url;

    @Override
    protected Warehouse newWarehouse() {
        dir = TestDirs.create("duckdb");
        url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        return anotherWarehouse();
    }

    @Override
    protected Warehouse anotherWarehouse() {
        return Warehouses.open(new WarehouseConfig(url, Optional.empty(), Optional.empty()));
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    @Test
    void provider_whenUrlIsDuckDb_opensDuckDbWarehouse() {
        assertThat(((dev.sliceflow.warehouse.SqlWarehouse) warehouse).dialect()).isInstanceOf(DuckDbDialect.class);
    }

    @Test
    void insertSql_statesEveryCsvOptionExplicitly() {
        String sql = new DuckDbDialect(new WarehouseConfig("jdbc:duckdb:", Optional.empty(), Optional.empty()), dir)
                .insertSql(ITEMS, List.of(Path.of("/scratch/it's.csv"), Path.of("/scratch/b.csv")));

        assertThat(sql).isEqualTo("INSERT INTO \"items\" (\"id\", \"name\", \"_sync_id\", \"_sync_time\", \"_source\","
                + " \"_account\", \"_region\") SELECT r.\"id\", r.\"name\", o.\"_sync_id\", o.\"_sync_time\","
                + " o.\"_source\", o.\"_account\", o.\"_region\""
                + " FROM read_csv(['/scratch/it''s.csv', '/scratch/b.csv'],"
                + " header = false, delim = ',', quote = '\"', escape = '\"', new_line = '\\n', nullstr = '',"
                + " allow_quoted_nulls = false, auto_detect = false, strict_mode = true, encoding = 'utf-8',"
                + " compression = 'none', columns = {'id': 'BIGINT', 'name': 'VARCHAR',"
                + " '_sliceflow_origin': 'INTEGER'}) AS r JOIN (SELECT unnest(range(?)) AS _sliceflow_origin,"
                + " unnest(?::VARCHAR[]) AS \"_sync_id\","
                + " unnest(?::VARCHAR[])::TIMESTAMP WITH TIME ZONE AS \"_sync_time\","
                + " unnest(?::VARCHAR[]) AS \"_source\", unnest(?::VARCHAR[]) AS \"_account\","
                + " unnest(?::VARCHAR[]) AS \"_region\") AS o USING (_sliceflow_origin)");
    }

    @Test
    void load_leavesNoDownloadedPartBehind() throws Exception {
        Path scratch = dir.resolve("scratch");
        try (Warehouse duck = DuckDbWarehouse.open(new WarehouseConfig(url, Optional.empty(), Optional.empty()),
                scratch)) {
            var f = ManifestFixtures.manifest("sync-1", T1).table(ITEMS, items(1, 2, 3), 1).build();
            duck.load(f.manifest(), f.key(), f.sha256(), f.opener());
        }
        try (Stream<Path> files = Files.list(scratch)) {
            assertThat(files.toList()).isEmpty();
        }
        assertThat(query("SELECT count(*) FROM items")).isEqualTo(List.of(List.of(3L)));
    }
}

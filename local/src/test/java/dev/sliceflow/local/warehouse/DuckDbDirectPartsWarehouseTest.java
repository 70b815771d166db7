package dev.sliceflow.local.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.warehouse.SqlWarehouse;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The whole warehouse contract (and DuckDB's own tests) again with every part, whatever its size, read by DuckDB as it
 * is stored (the path of parts of at least {@link DuckDbDialect#DIRECT_PART_BYTES}): tampered, truncated, wrongly
 * counted or wrongly headed parts, refused values and extra fields must fail their manifest alone here too; and one
 * table's large and small parts in one batch, each path with its own manifests' metadata.
 */
class DuckDbDirectPartsWarehouseTest extends DuckDbWarehouseTest {
    @Override
    protected Warehouse anotherWarehouse() {
        return new SqlWarehouse(new DuckDbDialect(new WarehouseConfig(url, Optional.empty(), Optional.empty()),
                dir.resolve("scratch"), 0));
    }

    @Test
    void directInsertSql_readsTheStoredFilesWithTheirHeadersAndJoinsMetadataByFileName() {
        String sql = new DuckDbDialect(new WarehouseConfig("jdbc:duckdb:", Optional.empty(), Optional.empty()), dir)
                .directInsertSql(ITEMS, List.of(Path.of("/scratch/it's.csv.gz"), Path.of("/scratch/b.csv")));

        assertThat(sql).isEqualTo("INSERT INTO \"items\" (\"id\", \"name\", \"_sync_id\", \"_sync_time\", \"_source\","
                + " \"_account\", \"_region\") SELECT r.\"id\", r.\"name\", o.\"_sync_id\", o.\"_sync_time\","
                + " o.\"_source\", o.\"_account\", o.\"_region\""
                + " FROM read_csv(['/scratch/it''s.csv.gz', '/scratch/b.csv'], header = true, compression = 'auto',"
                + " filename = '_sliceflow_file', delim = ',', quote = '\"', escape = '\"', new_line = '\\n',"
                + " nullstr = '', allow_quoted_nulls = false, auto_detect = false, strict_mode = true,"
                + " encoding = 'utf-8', columns = {'id': 'BIGINT', 'name': 'VARCHAR'}) AS r"
                + " JOIN (SELECT unnest(?::VARCHAR[]) AS _sliceflow_file, unnest(?::VARCHAR[]) AS \"_sync_id\","
                + " unnest(?::VARCHAR[])::TIMESTAMP WITH TIME ZONE AS \"_sync_time\","
                + " unnest(?::VARCHAR[]) AS \"_source\", unnest(?::VARCHAR[]) AS \"_account\","
                + " unnest(?::VARCHAR[]) AS \"_region\") AS o USING (_sliceflow_file)");
    }

    @Test
    void loadBatch_whenOneTableHasLargeAndSmallParts_loadsBothWaysEachWithItsManifestsMetadata() throws Exception {
        Fixture large = ManifestFixtures.manifest("sync-1", T1).account("100000000001")
                .table(ITEMS, items(LongStream.rangeClosed(1, 2000).toArray())).build();
        Fixture small = ManifestFixtures.manifest("sync-1", T1).account("100000000002").table(ITEMS, items(5001))
                .build();
        long largeBytes = large.manifest().tables().get(0).parts().get(0).bytes();
        assertThat(small.manifest().tables().get(0).parts().get(0).bytes()).isLessThan(largeBytes);
        Map<String, byte[]> parts = new HashMap<>(large.parts());
        parts.putAll(small.parts());

        // the threshold between the two: the large part is read as stored, the small one concatenated
        List<ManifestOutcome> outcomes;
        try (Warehouse mixed = new SqlWarehouse(new DuckDbDialect(new WarehouseConfig(url, Optional.empty(),
                Optional.empty()), dir.resolve("mixed-scratch"), largeBytes))) {
            outcomes = mixed.load(List.of(staged(small), staged(large)),
                    part -> new ByteArrayInputStream(parts.get(part.key())));
        }

        assertThat(outcomes).allMatch(o -> o instanceof ManifestOutcome.Loaded);
        assertThat(query("SELECT _account, count(*), min(id), max(id) FROM items GROUP BY _account ORDER BY _account"))
                .containsExactly(List.of("100000000001", 2000L, 1L, 2000L), List.of("100000000002", 1L, 5001L, 5001L));
    }
}

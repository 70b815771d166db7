package dev.sliceflow.local.warehouse;

import dev.sliceflow.warehouse.SqlWarehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import java.nio.file.Path;

/** DuckDB warehouses: the load protocol over {@link DuckDbDialect}. */
public final class DuckDbWarehouse {
    private DuckDbWarehouse() {
    }

    /** @see DuckDbDialect#DuckDbDialect(WarehouseConfig, Path) */
    public static SqlWarehouse open(WarehouseConfig config, Path scratch) {
        return new SqlWarehouse(new DuckDbDialect(config, scratch));
    }
}

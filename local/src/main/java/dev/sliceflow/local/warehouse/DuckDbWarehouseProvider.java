package dev.sliceflow.local.warehouse;

import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.WarehouseProvider;
import java.nio.file.Path;

/** jdbc:duckdb:... URLs; registered only in the local module, so DuckDB never enters the Lambda jar. */
public final class DuckDbWarehouseProvider implements WarehouseProvider {
    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:duckdb:");
    }

    @Override
    public Warehouse open(WarehouseConfig config) {
        // its own directory: the worker empties its work directory between records
        return DuckDbWarehouse.open(config, Path.of(System.getProperty("java.io.tmpdir"), "sliceflow-loader"));
    }
}

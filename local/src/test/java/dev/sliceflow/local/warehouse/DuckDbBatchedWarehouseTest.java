package dev.sliceflow.local.warehouse;

import dev.sliceflow.testing.TestDirs;
import dev.sliceflow.warehouse.PaddedBatches;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.WarehouseContract;
import dev.sliceflow.warehouse.Warehouses;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

/** The whole contract on DuckDB again, every manifest loaded in the middle of a batch ({@link PaddedBatches}). */
class DuckDbBatchedWarehouseTest extends WarehouseContract {
    private String url;

    @Override
    protected Warehouse newWarehouse() {
        url = "jdbc:duckdb:" + TestDirs.create("duckdb-batched").resolve("warehouse.duckdb");
        return new PaddedBatches(anotherWarehouse());
    }

    @Override
    protected Warehouse anotherWarehouse() {
        return Warehouses.open(new WarehouseConfig(url, Optional.empty(), Optional.empty()));
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }
}

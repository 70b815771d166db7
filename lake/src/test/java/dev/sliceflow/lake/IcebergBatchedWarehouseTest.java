package dev.sliceflow.lake;

import dev.sliceflow.warehouse.PaddedBatches;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.WarehouseContract;
import dev.sliceflow.warehouse.Warehouses;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The whole warehouse contract on the lake, every manifest loaded in the middle of a batch ({@link PaddedBatches}):
 * a JDBC catalog on SQLite, the table data in s3proxy, read back by DuckDB from the Parquet and position-delete files
 * of each table's current snapshot ({@link LakeViews}).
 */
class IcebergBatchedWarehouseTest extends WarehouseContract {
    private TestLake lake;

    @Override
    protected Warehouse newWarehouse() {
        lake = new TestLake();
        return new PaddedBatches(anotherWarehouse());
    }

    @Override
    protected Warehouse anotherWarehouse() {
        return Warehouses.open(new WarehouseConfig(lake.url, Optional.empty(), Optional.empty()));
    }

    @Override
    protected Connection connect() throws SQLException {
        return lake.connect();
    }
}

package dev.sliceflow.warehouse;

import dev.sliceflow.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

/** The whole contract on PostgreSQL again, every manifest loaded in the middle of a batch ({@link PaddedBatches}). */
class PostgresBatchedWarehouseTest extends WarehouseContract {
    private String url;

    @Override
    protected Warehouse newWarehouse() {
        url = LocalPostgres.get().newDatabase();
        return new PaddedBatches(anotherWarehouse());
    }

    @Override
    protected Warehouse anotherWarehouse() {
        return Warehouses.open(new WarehouseConfig(url, Optional.of(LocalPostgres.USER), Optional.of("")));
    }

    @Override
    protected Connection connect() throws SQLException {
        return DriverManager.getConnection(url, LocalPostgres.USER, "");
    }

    @Override
    protected java.util.OptionalInt maxColumns() {
        return java.util.OptionalInt.of(1600);
    }

    @Override
    protected boolean loseTheLoadersConnectionWhileItCopies() throws SQLException {
        return PostgresWarehouseTest.terminateCopyingLoader(this::connect);
    }
}

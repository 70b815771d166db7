package dev.sliceflow.local.warehouse;

import dev.sliceflow.warehouse.PaddedBatches;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.WarehouseContract;
import dev.sliceflow.warehouse.Warehouses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/** The whole contract on DuckDB again, every manifest loaded in the middle of a batch ({@link PaddedBatches}). */
class DuckDbBatchedWarehouseTest extends WarehouseContract {
    private static final Path DIR = Path.of("target", "duckdb").toAbsolutePath();
    private String url;

    @Override
    protected Warehouse newWarehouse() {
        try {
            Files.createDirectories(DIR);
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        url = "jdbc:duckdb:" + DIR.resolve("batched-" + UUID.randomUUID() + ".duckdb");
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

package dev.sliceflow.warehouse;

import java.util.function.Supplier;

/** jdbc:postgresql:... URLs. */
public final class PostgresWarehouseProvider implements WarehouseProvider {
    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public Warehouse open(WarehouseConfig config) {
        return PostgresWarehouse.open(config);
    }

    @Override
    public Warehouse open(WarehouseConfig config, Supplier<WarehouseConfig> refresh) {
        return PostgresWarehouse.open(config, refresh, PostgresDialect.LOCK_TIMEOUT);
    }
}

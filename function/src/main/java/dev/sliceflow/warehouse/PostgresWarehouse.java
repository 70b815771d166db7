package dev.sliceflow.warehouse;

import java.time.Duration;
import java.util.function.Supplier;

/** PostgreSQL warehouses: the load protocol over {@link PostgresDialect}. */
public final class PostgresWarehouse {
    private PostgresWarehouse() {
    }

    public static SqlWarehouse open(WarehouseConfig config) {
        return open(config, () -> config, PostgresDialect.LOCK_TIMEOUT);
    }

    /** @see PostgresDialect#PostgresDialect(WarehouseConfig, Supplier, Duration) */
    public static SqlWarehouse open(WarehouseConfig config, Supplier<WarehouseConfig> refresh, Duration lockTimeout) {
        return new SqlWarehouse(new PostgresDialect(config, refresh, lockTimeout));
    }
}

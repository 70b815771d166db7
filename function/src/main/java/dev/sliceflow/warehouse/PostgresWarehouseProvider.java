package dev.sliceflow.warehouse;

/** jdbc:postgresql:... URLs. */
public final class PostgresWarehouseProvider implements WarehouseProvider {
    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public Warehouse open(WarehouseConfig config) {
        return new PostgresWarehouse(config);
    }
}

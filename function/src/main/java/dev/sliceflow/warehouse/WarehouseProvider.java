package dev.sliceflow.warehouse;

import java.util.function.Supplier;

/**
 * A kind of warehouse, found with {@link java.util.ServiceLoader} by its JDBC URL: PostgreSQL is in the function jar;
 * DuckDB is registered by the local module only, so it never enters the Lambda jar.
 */
public interface WarehouseProvider {
    /** Whether this provider handles the URL, e.g. it starts with jdbc:postgresql: */
    boolean accepts(String jdbcUrl);

    Warehouse open(WarehouseConfig config);

    /**
     * Opens a warehouse that, when the warehouse refuses its credentials (a rotated secret), asks {@code refresh} for
     * the current ones once before giving up. The default ignores {@code refresh}.
     */
    default Warehouse open(WarehouseConfig config, Supplier<WarehouseConfig> refresh) {
        return open(config);
    }
}

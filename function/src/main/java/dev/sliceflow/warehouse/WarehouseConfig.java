package dev.sliceflow.warehouse;

import java.util.Optional;

/**
 * Where a warehouse is and how to log in. {@link #toString()} never shows the password.
 *
 * @param url      a JDBC URL: jdbc:postgresql://host:5432/db, jdbc:duckdb:/path/file.duckdb; or a lake's iceberg: URL
 * @param user     the user, when the URL does not carry one
 * @param password the password (never logged)
 * @param region   the settings' AWS region, for a destination reached through AWS APIs (the lake's Glue and S3): from
 *                 the handler's settings, never the process environment, so a handler built from a template's
 *                 environment talks to that environment's region
 */
public record WarehouseConfig(String url, Optional<String> user, Optional<String> password, Optional<String> region) {

    public WarehouseConfig(String url, Optional<String> user, Optional<String> password) {
        this(url, user, password, Optional.empty());
    }

    public WarehouseConfig withRegion(String region) {
        return new WarehouseConfig(url, user, password, Optional.of(region));
    }

    @Override
    public String toString() {
        return "WarehouseConfig[url=" + url + ", user=" + user.orElse("-") + ", password="
                + (password.isPresent() ? "****" : "-") + ", region=" + region.orElse("-") + "]";
    }
}

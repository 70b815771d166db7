package dev.sliceflow.warehouse;

import java.util.Optional;

/**
 * Where a warehouse is and how to log in. {@link #toString()} never shows the password.
 *
 * @param url      a JDBC URL: jdbc:postgresql://host:5432/db, jdbc:duckdb:/path/file.duckdb
 * @param user     the user, when the URL does not carry one
 * @param password the password (never logged)
 */
public record WarehouseConfig(String url, Optional<String> user, Optional<String> password) {
    @Override
    public String toString() {
        return "WarehouseConfig[url=" + url + ", user=" + user.orElse("-") + ", password="
                + (password.isPresent() ? "****" : "-") + "]";
    }
}

package dev.sliceflow.destination;

/** What happened to one table of a manifest, as the ledger records it ({@code _sliceflow_loads.status}). */
public enum LoadStatus {
    /** The table's rows of this manifest were loaded. */
    LOADED("loaded"),
    /** The manifest's syncTime is older than the last one loaded for this (source, table, account, region): no change. */
    STALE("stale"),
    /** The worker failed this table: its previous rows stay; {@code error} says why. */
    FAILED("failed");

    private final String sql;

    LoadStatus(String sql) {
        this.sql = sql;
    }

    /** The value stored in the ledger. */
    public String sql() {
        return sql;
    }

    public static LoadStatus fromSql(String value) {
        for (LoadStatus status : values()) {
            if (status.sql.equals(value)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown load status " + value);
    }
}

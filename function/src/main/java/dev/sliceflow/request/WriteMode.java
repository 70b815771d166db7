package dev.sliceflow.request;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a loader applies a table's rows. */
public enum WriteMode {
    /** The rows of (source, table, account, region) become this sync's rows: the warehouse holds the latest snapshot. */
    @JsonProperty("replace") REPLACE,
    /** Every sync's rows are kept (history); a sync's own rows are still loaded once. */
    @JsonProperty("append") APPEND
}

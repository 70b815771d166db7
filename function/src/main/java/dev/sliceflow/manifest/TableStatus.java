package dev.sliceflow.manifest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a table of a slice was synced. */
public enum TableStatus {
    /** Every row is in the listed parts. */
    @JsonProperty("ok") OK,
    /** The source failed for this table; no parts; the warehouse keeps its previous rows. */
    @JsonProperty("failed") FAILED
}

package dev.sliceflow.request;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Compression of CSV parts. */
public enum Compression {
    @JsonProperty("gzip") GZIP(".csv.gz"),
    @JsonProperty("none") NONE(".csv");

    private final String suffix;

    Compression(String suffix) {
        this.suffix = suffix;
    }

    /** The part key suffix: .csv.gz or .csv. */
    public String suffix() {
        return suffix;
    }
}

package dev.sliceflow.schema;

import dev.sliceflow.core.Identifiers;
import java.util.Objects;

/** A typed column of a table. */
public record Column(String name, ColumnType type, boolean nullable) {
    /** DECIMAL columns are DECIMAL(38, 9) in every warehouse. */
    public static final int DECIMAL_PRECISION = 38;
    public static final int DECIMAL_SCALE = 9;

    public Column {
        Identifiers.column(name);
        Objects.requireNonNull(type, "type");
    }

    public static Column of(String name, ColumnType type) {
        return new Column(name, type, true);
    }

    public static Column required(String name, ColumnType type) {
        return new Column(name, type, false);
    }
}

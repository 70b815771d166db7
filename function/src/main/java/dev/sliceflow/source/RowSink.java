package dev.sliceflow.source;

import java.io.IOException;

/** Receives a table's rows as a source streams them. */
@FunctionalInterface
public interface RowSink {
    /**
     * One row: values in the schema's column order, each of its {@link dev.sliceflow.schema.ColumnType}'s Java class,
     * or null for NULL. The array may be reused by the source once this returns.
     */
    void accept(Object[] row) throws IOException;
}

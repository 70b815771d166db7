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

    /**
     * A row the source read but could not map (a value that does not parse, a resource without its id): it is left
     * out of the table, which goes on. {@code reason} names the table, the resource and the value. The worker counts
     * these into the manifest's table entry; the default, for sinks that only collect rows, ignores them.
     */
    default void skipped(String reason) throws IOException {
    }
}

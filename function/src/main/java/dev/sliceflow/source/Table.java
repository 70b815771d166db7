package dev.sliceflow.source;

import dev.sliceflow.schema.TableSchema;

/** One table of a source, opened for one slice. */
public interface Table {
    TableSchema schema();

    /**
     * Streams this table's rows for the slice into {@code sink}, never holding the whole table in memory.
     * Throwing fails this table alone: the slice's other tables are still committed, and the error is recorded
     * in the manifest. An exception thrown by the sink must propagate unchanged.
     */
    void scan(RowSink sink) throws Exception;
}

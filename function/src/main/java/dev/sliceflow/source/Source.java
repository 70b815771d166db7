package dev.sliceflow.source;

import java.util.List;

/**
 * A source opened for one slice: lists its tables and streams their rows. Closing it releases what the slice
 * held (credentials, clients).
 */
public interface Source extends AutoCloseable {
    /** Every table this source offers, in a stable order; selection happens outside. */
    List<Table> tables();

    @Override
    default void close() {
    }
}

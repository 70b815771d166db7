package dev.sliceflow.csv;

import dev.sliceflow.manifest.ManifestPart;
import java.util.List;

/**
 * Writes one table's rows of a slice into parts. Lifecycle: {@link #add} any number of times, then exactly one of
 * {@link #finish} (publish) or {@link #abort} (discard). Not thread-safe: one producer thread.
 */
public interface TableWriter extends AutoCloseable {
    /** Appends a row (values in schema order, null for NULL). The array may be reused once this returns. */
    void add(Object[] row);

    /** Closes the last part, waits for every upload, and returns the parts in order: what the manifest lists. */
    List<ManifestPart> finish();

    /** Discards everything not yet returned by finish; leaves no local files. Safe to call more than once. */
    void abort();

    /** Aborts unless finished. */
    @Override
    default void close() {
        abort();
    }
}

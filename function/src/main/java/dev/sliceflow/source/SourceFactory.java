package dev.sliceflow.source;

import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.schema.TableSchema;
import java.util.List;

/** Opens sources of one kind. Built once per container; {@link #open} once per slice. */
public interface SourceFactory {
    /** The kind a sync request names in source.kind. */
    String kind();

    /** Every table's schema, without opening a slice: for validation, planning and docs. */
    List<TableSchema> schemas();

    /**
     * Opens the slice that {@code request} names (its account, region and source options).
     *
     * @throws dev.sliceflow.core.InvalidInputException for options that can never work
     */
    Source open(SyncRequest request);
}

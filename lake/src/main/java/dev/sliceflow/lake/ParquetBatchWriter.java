package dev.sliceflow.lake;

import dev.sliceflow.lake.SliceState.Range;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;

/**
 * The data files of one table in one batch: every row of every loaded manifest, in batch and manifest order, into
 * one Parquet file, rolled to the next when it reaches the target size (docs/lake.md, "File sizing"). It knows where
 * each row went, so each manifest's rows come back as ranges (file, first position, count) for the slice state.
 * Files not committed are deleted by {@link #abort()}.
 */
final class ParquetBatchWriter implements AutoCloseable {
    private static final int CHECK_SIZE_EVERY = 1000;

    private final Table table;
    private final long targetBytes;
    private final List<DataFile> written = new ArrayList<>();
    private final List<String> locations = new ArrayList<>();
    private FlatParquetFile current;
    private String currentLocation;
    private long position;
    private List<Range> segment;
    private String segmentSyncId;

    ParquetBatchWriter(Table table, long targetBytes) {
        this.table = table;
        this.targetBytes = targetBytes;
    }

    /** Starts the rows of one manifest (all of sync {@code syncId}). */
    void beginSegment(String syncId) {
        segment = new ArrayList<>();
        segmentSyncId = syncId;
    }

    /** The ranges of the rows written since {@link #beginSegment}. */
    List<Range> endSegment() {
        List<Range> done = segment;
        segment = null;
        return done;
    }

    /** Writes every row of {@code chunk}, rolling to a new file at the target size. */
    void write(RowChunk chunk) {
        int row = 0;
        while (row < chunk.rows) {
            if (current == null) {
                open();
            }
            // up to the next size check, then one range for all of them
            int n = (int) Math.min(chunk.rows - row, CHECK_SIZE_EVERY - position % CHECK_SIZE_EVERY);
            current.write(chunk, row, n);
            Range last = segment.isEmpty() ? null : segment.get(segment.size() - 1);
            if (last != null && last.file().equals(currentLocation) && last.position() + last.count() == position) {
                segment.set(segment.size() - 1, new Range(currentLocation, last.position(), last.count() + n,
                        segmentSyncId));
            } else {
                segment.add(new Range(currentLocation, position, n, segmentSyncId));
            }
            position += n;
            row += n;
            if (position % CHECK_SIZE_EVERY == 0 && current.length() >= targetBytes) {
                closeCurrent();
            }
        }
    }

    private void open() {
        currentLocation = table.locationProvider().newDataLocation("sf-" + UUID.randomUUID() + ".parquet");
        locations.add(currentLocation);
        position = 0;
        current = new FlatParquetFile(table.io().newOutputFile(currentLocation), table.schema(),
                PropertyUtil.propertyAsLong(table.properties(), TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES,
                        TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES_DEFAULT), noBounds(table.schema()));
    }

    /**
     * No min/max statistics for the source's own string and JSON columns: their values are in no order within a file
     * (ARNs, names, documents), so bounds rule out nothing, and comparing every value with both was a fifth of the
     * writer's time. The metadata columns (constant per manifest, so their bounds do prune) and every non-string
     * column keep theirs.
     */
    static Set<String> noBounds(Schema schema) {
        Set<String> off = new HashSet<>();
        for (Types.NestedField field : schema.columns()) {
            if (field.type().typeId() == Type.TypeID.STRING && !LakeSchema.METADATA_COLUMNS.contains(field.name())) {
                off.add(field.name());
            }
        }
        return off;
    }

    private void closeCurrent() {
        current.close();
        written.add(DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath(currentLocation)
                .withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(current.length())
                .withMetrics(current.metrics(MetricsConfig.forTable(table)))
                .withSplitOffsets(current.splitOffsets())
                .build());
        current = null;
    }

    /** Closes the last file; returns every file written. */
    List<DataFile> finish() {
        if (current != null) {
            closeCurrent();
        }
        return List.copyOf(written);
    }

    /** Deletes every file this writer created (the batch was not committed). */
    void abort() {
        if (current != null) {
            current.abandon();
            current = null;
        }
        deleteQuietly(table, locations);
    }

    @Override
    public void close() {
        if (current != null) {
            abort();
        }
    }

    static void deleteQuietly(Table table, List<String> locations) {
        for (String location : locations) {
            try {
                table.io().deleteFile(location);
            } catch (RuntimeException ignored) {
                // an orphan at worst: orphan-file cleanup removes it
            }
        }
    }

    /** One position-delete file covering every row of {@code ranges} (sorted by file and position, as the spec asks). */
    static DeleteFile positionDeletes(Table table, List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparing(Range::file).thenComparingLong(Range::position));
        String location = table.locationProvider().newDataLocation("sf-" + UUID.randomUUID() + "-deletes.parquet");
        try {
            // full bounds on file_path (Iceberg's metrics for position deletes): without them a reader applies the
            // file to every data file not newer than it, not only to the files it names
            PositionDeleteWriter<Record> writer = Parquet.writeDeletes(table.io().newOutputFile(location))
                    .setAll(table.properties())
                    .metricsConfig(org.apache.iceberg.MetricsConfig.forPositionDelete(table))
                    .withSpec(PartitionSpec.unpartitioned())
                    .overwrite()
                    .buildPositionWriter();
            PositionDelete<Record> delete = PositionDelete.create();
            try (writer) {
                for (Range r : sorted) {
                    for (long p = r.position(); p < r.position() + r.count(); p++) {
                        writer.write(delete.set(r.file(), p, null));
                    }
                }
            }
            return writer.toDeleteFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a position-delete file of table " + table.name(), e);
        }
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.lake.SliceState.Range;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;

/**
 * The data files of one table in one batch: every row of every loaded manifest, in batch and manifest order, into
 * one Parquet file, rolled to the next when it reaches the target size (docs/lake.md, "File sizing"). It knows where
 * each row went, so each manifest's rows come back as ranges (file, first position, count) for the slice state.
 * Files not committed are deleted by {@link #abort()}.
 */
final class ParquetBatchWriter implements AutoCloseable {
    /** What readers are happiest with (S3 Tables' managed compaction aims at >= 64 MB too). */
    static final long TARGET_FILE_BYTES = 128L << 20;
    private static final int CHECK_SIZE_EVERY = 1000;

    private final Table table;
    private final long targetBytes;
    private final List<DataFile> written = new ArrayList<>();
    private final List<String> locations = new ArrayList<>();
    private DataWriter<Record> current;
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

    void write(Record row) {
        if (current == null) {
            open();
        }
        current.write(row);
        Range last = segment.isEmpty() ? null : segment.get(segment.size() - 1);
        if (last != null && last.file().equals(currentLocation) && last.position() + last.count() == position) {
            segment.set(segment.size() - 1, new Range(currentLocation, last.position(), last.count() + 1, segmentSyncId));
        } else {
            segment.add(new Range(currentLocation, position, 1, segmentSyncId));
        }
        position++;
        if (position % CHECK_SIZE_EVERY == 0 && current.length() >= targetBytes) {
            closeCurrent();
        }
    }

    private void open() {
        currentLocation = table.locationProvider().newDataLocation("sf-" + UUID.randomUUID() + ".parquet");
        locations.add(currentLocation);
        position = 0;
        try {
            current = Parquet.writeData(table.io().newOutputFile(currentLocation))
                    .schema(table.schema())
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(PartitionSpec.unpartitioned())
                    .setAll(table.properties())
                    .overwrite()
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a data file of table " + table.name(), e);
        }
    }

    private void closeCurrent() {
        try {
            current.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write data file " + currentLocation, e);
        }
        written.add(current.toDataFile());
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
            try {
                current.close();
            } catch (IOException | RuntimeException ignored) {
                // deleted below anyway
            }
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
            PositionDeleteWriter<Record> writer = Parquet.writeDeletes(table.io().newOutputFile(location))
                    .setAll(table.properties())
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

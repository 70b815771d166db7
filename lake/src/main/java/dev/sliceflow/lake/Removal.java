package dev.sliceflow.lake;

import dev.sliceflow.lake.SliceState.Range;
import dev.sliceflow.lake.SliceState.Slice;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;

/**
 * The committed rows a commit takes away, split in two: the data files no slice of the new state has rows in any
 * more, removed whole, and position deletes for the rest. A replace sync replaces the previous sync's slices batch
 * by batch, so most of its old files die whole: removing them keeps readers from opening files whose every row is
 * deleted, and the table from growing by a sync's files (and their delete files) at every sync.
 *
 * @param files     data files removed from the table
 * @param positions rows deleted by position, none of them in {@code files}
 */
record Removal(List<String> files, List<Range> positions) {
    static final Removal NONE = new Removal(List.of(), List.of());

    Removal {
        files = List.copyOf(files);
        positions = List.copyOf(positions);
    }

    /** What taking {@code deleted} away leaves, given the state {@code after} the commit. */
    static Removal of(SliceState after, List<Range> deleted) {
        if (deleted.isEmpty()) {
            return NONE;
        }
        Set<String> dead = new LinkedHashSet<>();
        deleted.forEach(r -> dead.add(r.file()));
        for (Slice slice : after.slices().values()) {
            for (Range r : slice.ranges()) {
                if (dead.remove(r.file()) && dead.isEmpty()) {
                    return new Removal(List.of(), deleted);
                }
            }
        }
        return new Removal(List.copyOf(dead), deleted.stream().filter(r -> !dead.contains(r.file())).toList());
    }

    boolean isEmpty() {
        return files.isEmpty() && positions.isEmpty();
    }

    /**
     * Stages the removal on {@code delta}: the whole files removed, {@code deleteFile} (the positions, written by
     * the caller, or null) added, and the commit refused if any of these data files is gone by then (a concurrent
     * commit removed it or compaction rewrote it).
     */
    void stage(RowDelta delta, org.apache.iceberg.DeleteFile deleteFile) {
        files.forEach(file -> delta.removeRows(removed(file)));
        if (deleteFile != null) {
            delta.addDeletes(deleteFile);
        }
        // the positions' files must still exist; validateDeletedFiles fails the commit if a file to remove is gone
        // (the removed files are not "referenced": Iceberg refuses to remove a file that new deletes reference)
        Set<String> referenced = new LinkedHashSet<>();
        positions.forEach(r -> referenced.add(r.file()));
        if (!referenced.isEmpty()) {
            delta.validateDataFilesExist(List.copyOf(referenced));
        }
        if (!isEmpty()) {
            delta.validateDeletedFiles();
        }
    }

    /**
     * A data file to remove, by its location: Iceberg finds the file to drop in the table's manifests by location
     * alone, and the snapshot's summary counts the manifests' own entry, not this one.
     */
    private static DataFile removed(String location) {
        return DataFiles.builder(PartitionSpec.unpartitioned()).withPath(location).withFormat(FileFormat.PARQUET)
                .withFileSizeInBytes(0).withRecordCount(0).build();
    }
}

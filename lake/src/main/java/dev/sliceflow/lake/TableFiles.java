package dev.sliceflow.lake;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.lake.LakeTable.Decision;
import dev.sliceflow.lake.RowPipeline.Share;
import dev.sliceflow.lake.SliceState.Range;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;

/**
 * A table's rows of one batch as Parquet data files. A small batch is one file written by one {@link RowPipeline} (a
 * reader thread, the caller writing); a larger one is cut at part boundaries into runs ({@link FileSizing}), each a
 * pipeline and a file of its own, written at once: Parquet encoding is the slower half of a load, and one file's
 * writer uses one core.
 */
final class TableFiles {
    private TableFiles() {
    }

    /** One run's writer and what it wrote. */
    private static final class Run {
        final List<Share> shares;
        final ParquetBatchWriter writer;
        final Map<Decision, List<Range>> ranges = new LinkedHashMap<>();
        final Map<Decision, Long> rows = new HashMap<>();
        List<DataFile> files;

        Run(List<Share> shares, ParquetBatchWriter writer) {
            this.shares = shares;
            this.writer = writer;
        }

        void write(String table, PartOpener parts, Table writing) throws ManifestFailure {
            RowPipeline.run(table, shares, parts, writing.schema(), new RowPipeline.Sink() {
                @Override
                public void begin(Decision d) {
                    writer.beginSegment(d.entry.manifest().syncId());
                }

                @Override
                public void write(RowChunk chunk) {
                    writer.write(chunk);
                }

                @Override
                public void end(Decision d, long read) {
                    ranges.computeIfAbsent(d, k -> new ArrayList<>()).addAll(writer.endSegment());
                    rows.merge(d, read, Long::sum);
                }
            });
            files = writer.finish();
        }
    }

    /**
     * Writes the rows of every decision that writes rows; puts each one's ranges (file, first position, count) into
     * {@code written} and returns the files. On any failure every file is deleted and the first failure (in batch
     * order) is thrown.
     */
    static List<DataFile> write(String table, Table writing, List<Decision> decisions, PartOpener parts,
                                FileSizing sizing, Map<Decision, List<Range>> written) throws ManifestFailure {
        long total = decisions.stream().filter(Decision::writesRows).mapToLong(d -> d.entry.table().rows()).sum();
        int groups = sizing.writers(total);
        List<Run> runs = new ArrayList<>();
        for (List<Share> shares : RowPipeline.split(decisions, groups)) {
            runs.add(new Run(shares, new ParquetBatchWriter(writing, sizing.targetBytes())));
        }
        Throwable[] failures = Parallel.run("sliceflow-lake-write-" + table, runs.size(), runs.size(),
                i -> runs.get(i).write(table, parts, writing));
        ManifestFailure mismatch = Arrays.stream(failures).allMatch(Objects::isNull)
                ? rowCountMismatch(table, decisions, runs) : null;
        if (mismatch != null || Arrays.stream(failures).anyMatch(Objects::nonNull)) {
            runs.forEach(r -> r.writer.abort());
            Parallel.throwFirst(failures);
            throw mismatch;
        }
        List<DataFile> files = new ArrayList<>();
        for (Run run : runs) {
            files.addAll(run.files);
            run.ranges.forEach((d, ranges) -> written.computeIfAbsent(d, k -> new ArrayList<>()).addAll(ranges));
        }
        return files;
    }

    /** The first manifest whose parts held another number of rows than it lists, as its failure; else null. */
    private static ManifestFailure rowCountMismatch(String table, List<Decision> decisions, List<Run> runs) {
        for (Decision d : decisions) {
            if (!d.writesRows()) {
                continue;
            }
            long read = runs.stream().mapToLong(r -> r.rows.getOrDefault(d, 0L)).sum();
            if (read != d.entry.table().rows()) {
                return new ManifestFailure(d.entry.staged().key(), new InvalidInputException("table " + table + ": "
                        + read + " rows read, the manifest lists " + d.entry.table().rows()));
            }
        }
        return null;
    }
}

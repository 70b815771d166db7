package dev.sliceflow.lake;

import dev.sliceflow.csv.CsvFields;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.lake.LakeTable.Decision;
import dev.sliceflow.manifest.ManifestPart;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.Schema;

/**
 * The two halves of a table's load on two cores: a thread of its own reads the parts (verify, gunzip, parse, convert:
 * {@link PartRecords}) while the caller writes Parquet, with {@link RowChunk}s in a bounded queue between them (and
 * back, to be refilled), in the same order as one thread would. A failure on either side stops both; the reader's failure (a
 * {@link ManifestFailure}) is rethrown to the caller as it was.
 */
final class RowPipeline {
    private static final int CHUNKS_AHEAD = 16;
    private static final Object DONE = new Object();

    /** Some parts of one manifest's table, read in order: a whole manifest, or its share of a split table. */
    record Share(Decision decision, List<ManifestPart> parts) {
    }

    /**
     * The rows of {@code decisions} that write rows, in order, cut into at most {@code groups} runs of about equal
     * row counts at part boundaries (a manifest may be split between two runs).
     */
    static List<List<Share>> split(List<Decision> decisions, int groups) {
        long total = 0;
        for (Decision d : decisions) {
            if (d.writesRows()) {
                total += d.entry.table().parts().stream().mapToLong(ManifestPart::rows).sum();
            }
        }
        long target = Math.max(1, (total + groups - 1) / groups);
        List<List<Share>> runs = new ArrayList<>();
        List<Share> run = new ArrayList<>();
        long inRun = 0;
        for (Decision d : decisions) {
            if (!d.writesRows()) {
                continue;
            }
            List<ManifestPart> parts = new ArrayList<>();
            for (ManifestPart part : d.entry.table().parts()) {
                parts.add(part);
                inRun += part.rows();
                if (inRun >= target && runs.size() < groups - 1) {
                    run.add(new Share(d, parts));
                    runs.add(run);
                    run = new ArrayList<>();
                    parts = new ArrayList<>();
                    inRun = 0;
                }
            }
            // a manifest with no parts (zero rows) still begins and ends, so that its ranges are known (none)
            if (!parts.isEmpty() || d.entry.table().parts().isEmpty()) {
                run.add(new Share(d, parts));
            }
        }
        if (!run.isEmpty() || runs.isEmpty()) {
            runs.add(run);
        }
        return runs;
    }

    /** What the writing side does, in the reader's order. */
    interface Sink {
        void begin(Decision d);

        /** Writes the chunk's rows; the chunk is refilled once this returns. */
        void write(RowChunk rows);

        /** The share of {@code d} is written: {@code rows} rows were read from its parts. */
        void end(Decision d, long rows);
    }

    private record Begin(Decision d) {
    }

    private record End(Decision d, long rows) {
    }

    private record Failed(Throwable error) {
    }

    private RowPipeline() {
    }

    static void run(String table, List<Share> shares, PartOpener parts, Schema schema, Sink sink)
            throws ManifestFailure {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
        BlockingQueue<RowChunk> free = new ArrayBlockingQueue<>(CHUNKS_AHEAD + 2);
        for (int i = 0; i < CHUNKS_AHEAD + 2; i++) {
            free.add(new RowChunk(schema.columns().size()));
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().daemon().name("sliceflow-lake-read-" + table)
                .start(() -> read(shares, parts, schema, queue, free, cancelled));
        try {
            while (true) {
                Object item = queue.take();
                if (item == DONE) {
                    return;
                } else if (item instanceof Begin begin) {
                    sink.begin(begin.d());
                } else if (item instanceof End end) {
                    sink.end(end.d(), end.rows());
                } else if (item instanceof Failed failed) {
                    if (failed.error() instanceof ManifestFailure manifest) {
                        throw manifest;
                    }
                    if (failed.error() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new TransientLoadException("cannot read the parts of table " + table + ": "
                            + failed.error(), failed.error());
                } else {
                    RowChunk chunk = (RowChunk) item;
                    sink.write(chunk);
                    free.add(chunk);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientLoadException("interrupted while loading table " + table, e);
        } finally {
            cancelled.set(true);
            queue.clear();
            try {
                reader.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void read(List<Share> shares, PartOpener parts, Schema schema, BlockingQueue<Object> queue,
                             BlockingQueue<RowChunk> free, AtomicBoolean cancelled) {
        CsvFields reader = new CsvFields(InputStream.nullInputStream());
        try {
            for (Share share : shares) {
                Decision d = share.decision();
                put(queue, new Begin(d), cancelled);
                var columns = d.entry.table().schema().columns();
                PartRecords.Layout layout = PartRecords.layout(d.entry.manifest(), columns, schema);
                RowChunk[] current = {take(free, cancelled)};
                current[0].reset(layout.fill(), layout.constants());
                PartRecords.Chunks chunks = new PartRecords.Chunks() {
                    @Override
                    public RowChunk current() {
                        return current[0];
                    }

                    @Override
                    public RowChunk next() {
                        put(queue, current[0], cancelled);
                        current[0] = take(free, cancelled);
                        current[0].reset(layout.fill(), layout.constants());
                        return current[0];
                    }
                };
                long rows = 0;
                for (ManifestPart part : share.parts()) {
                    rows += PartRecords.read(new StagedPart(d.entry.staged().key(), d.entry.manifest(), part),
                            columns, parts, layout, chunks, reader);
                }
                if (current[0].rows > 0) {
                    put(queue, current[0], cancelled);
                } else {
                    free.add(current[0]);
                }
                put(queue, new End(d, rows), cancelled);
            }
            put(queue, DONE, cancelled);
        } catch (Cancelled stop) {
            // the writing side gave up: nothing more to hand over
        } catch (Throwable e) {
            try {
                put(queue, new Failed(e), cancelled);
            } catch (Cancelled stop) {
                // the writing side gave up
            }
        }
    }

    private static RowChunk take(BlockingQueue<RowChunk> free, AtomicBoolean cancelled) {
        try {
            while (true) {
                RowChunk chunk = free.poll(100, TimeUnit.MILLISECONDS);
                if (chunk != null) {
                    return chunk;
                }
                if (cancelled.get()) {
                    throw new Cancelled();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
    }

    /** The writing side stopped taking. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    private static void put(BlockingQueue<Object> queue, Object item, AtomicBoolean cancelled) {
        try {
            while (!queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                if (cancelled.get()) {
                    throw new Cancelled();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancelled();
        }
    }
}

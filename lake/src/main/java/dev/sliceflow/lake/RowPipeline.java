package dev.sliceflow.lake;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.destination.ManifestFailure;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedPart;
import dev.sliceflow.destination.TransientLoadException;
import dev.sliceflow.lake.LakeTable.Decision;
import dev.sliceflow.manifest.ManifestPart;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * The two halves of a table's load on two cores: a thread of its own reads the parts (verify, gunzip, parse, convert:
 * {@link PartRecords}) while the caller writes Parquet, with chunks of rows in a bounded queue between them, in the
 * same order as one thread would. A failure on either side stops both; the reader's failure (a
 * {@link ManifestFailure}) is rethrown to the caller as it was.
 */
final class RowPipeline {
    private static final int CHUNK = 1024;
    private static final int CHUNKS_AHEAD = 16;
    private static final Object DONE = new Object();

    /** What the writing side does, in the reader's order. */
    interface Sink {
        void begin(Decision d);

        void write(Record row);

        void end(Decision d);
    }

    private record Begin(Decision d) {
    }

    private record End(Decision d) {
    }

    private record Failed(Throwable error) {
    }

    private RowPipeline() {
    }

    static void run(String table, List<Decision> decisions, PartOpener parts, Schema schema, Sink sink)
            throws ManifestFailure {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CHUNKS_AHEAD);
        AtomicBoolean cancelled = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().daemon().name("sliceflow-lake-read-" + table)
                .start(() -> read(table, decisions, parts, schema, queue, cancelled));
        GenericRecord row = GenericRecord.create(schema);
        try {
            while (true) {
                Object item = queue.take();
                if (item == DONE) {
                    return;
                } else if (item instanceof Begin begin) {
                    sink.begin(begin.d());
                } else if (item instanceof End end) {
                    sink.end(end.d());
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
                    for (Object[] values : (Object[][]) item) {
                        if (values == null) {
                            break;
                        }
                        for (int i = 0; i < values.length; i++) {
                            row.set(i, values[i]);
                        }
                        sink.write(row);
                    }
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

    private static void read(String table, List<Decision> decisions, PartOpener parts, Schema schema,
                             BlockingQueue<Object> queue, AtomicBoolean cancelled) {
        int width = schema.columns().size();
        Object[][][] chunk = {new Object[CHUNK][]};
        int[] filled = {0};
        try {
            for (Decision d : decisions) {
                if (!d.writesRows()) {
                    continue;
                }
                put(queue, new Begin(d), cancelled);
                long rows = 0;
                for (ManifestPart part : d.entry.table().parts()) {
                    rows += PartRecords.read(new StagedPart(d.entry.staged().key(), d.entry.manifest(), part),
                            d.entry.table().schema().columns(), parts, schema, record -> {
                                Object[] values = new Object[width];
                                for (int i = 0; i < width; i++) {
                                    values[i] = record.get(i, Object.class);
                                }
                                chunk[0][filled[0]++] = values;
                                if (filled[0] == CHUNK) {
                                    put(queue, chunk[0], cancelled);
                                    chunk[0] = new Object[CHUNK][];
                                    filled[0] = 0;
                                }
                            });
                }
                if (rows != d.entry.table().rows()) {
                    throw new ManifestFailure(d.entry.staged().key(), new InvalidInputException("table " + table
                            + ": " + rows + " rows read, the manifest lists " + d.entry.table().rows()));
                }
                if (filled[0] > 0) {
                    put(queue, chunk[0], cancelled);
                    chunk[0] = new Object[CHUNK][];
                    filled[0] = 0;
                }
                put(queue, new End(d), cancelled);
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

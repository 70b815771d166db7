package dev.sliceflow.csv;

import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.staging.StagingException;
import dev.sliceflow.staging.Uploader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes a table's rows as CSV parts in {@link CsvDialect} and uploads each part as soon as it closes.
 *
 * <p>Three stages overlap, so a slice costs about as much as its compression alone: the caller's thread encodes rows
 * into 256 KiB chunks; a compressor thread gzips them into the current part file while hashing what it stores; an
 * upload thread sends closed parts to S3. Memory is bounded by the chunk pool (16 x 256 KiB); disk by two part
 * files at a time (one uploading, one being written): the compressor waits before opening a third.
 *
 * <p>A part closes at the first row boundary after {@code partSizeBytes} uncompressed bytes; each part starts with
 * the header row. A table without rows has no parts.
 */
public final class CsvTableWriter implements TableWriter {
    static final int CHUNK_SIZE = 256 << 10;
    static final int CHUNKS = 16;
    private static final int PARTS_ON_DISK = 2;

    private final TableSchema schema;
    private final ColumnType[] types;
    private final String[] header;
    private final IntFunction<String> partKeys;
    private final Uploader uploader;
    private final CsvOptions options;
    private final Path dir;
    private final String contentType;

    private final ChunkPool pool = new ChunkPool(CHUNKS, CHUNK_SIZE);
    private final BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(4 * CHUNKS);
    private final Semaphore diskSlots = new Semaphore(PARTS_ON_DISK);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Future<ManifestPart>> uploadsInOrder = new ArrayList<>();
    private final ExecutorService uploads;
    private final Thread compressor;
    private final Utf8ChunkWriter out;
    private final CSVPrinter printer;

    private boolean inPart;
    private long rowsInPart;
    private boolean done;

    /**
     * @param partKeys the S3 key of part n (from 0)
     * @param workDir  a directory of this writer's own; deleted by finish and abort
     */
    public CsvTableWriter(TableSchema schema, CsvOptions options, IntFunction<String> partKeys, Uploader uploader,
                          Path workDir) {
        this.schema = schema;
        this.types = schema.columns().stream().map(c -> c.type()).toArray(ColumnType[]::new);
        this.header = schema.columns().stream().map(c -> c.name()).toArray(String[]::new);
        this.partKeys = partKeys;
        this.uploader = uploader;
        this.options = options;
        this.dir = workDir;
        this.contentType = options.compression() == Compression.GZIP ? "application/gzip" : "text/csv; charset=utf-8";
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new StagingException("cannot create " + workDir, e);
        }
        this.out = new Utf8ChunkWriter(pool, this::handOff);
        try {
            this.printer = new CSVPrinter(out, CsvDialect.FORMAT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = "sliceflow-" + schema.name();
        this.uploads = Executors.newSingleThreadExecutor(r -> daemon(r, name + "-upload"));
        this.compressor = daemon(this::compressLoop, name + "-compress");
        this.compressor.start();
    }

    @Override
    public void add(Object[] row) {
        checkFailure();
        try {
            if (!inPart) {
                printer.printRecord((Object[]) header);
                inPart = true;
                rowsInPart = 0;
            }
            for (int i = 0; i < types.length; i++) {
                Object value = row[i];
                printer.print(value == null ? null : CsvDialect.encode(types[i], value));
            }
            printer.println();
        } catch (IOException e) {
            throw new StagingException("cannot encode a row of table " + schema.name(), e);
        }
        rowsInPart++;
        if (out.count() >= options.partSizeBytes()) {
            endPart();
        }
    }

    @Override
    public List<ManifestPart> finish() {
        if (done) {
            throw new IllegalStateException("writer of table " + schema.name() + " already finished or aborted");
        }
        try {
            checkFailure();
            if (inPart) {
                endPart();
            }
            put(Chunk.FINISH);
            join(compressor);
            checkFailure();
            List<ManifestPart> parts = new ArrayList<>(uploadsInOrder.size());
            for (Future<ManifestPart> upload : uploadsInOrder) {
                parts.add(upload.get());
            }
            done = true;
            return parts;
        } catch (ExecutionException e) {
            throw staging(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StagingException("interrupted while finishing table " + schema.name(), e);
        } finally {
            if (!done) {
                abort();
            } else {
                shutDown();
            }
        }
    }

    @Override
    public void abort() {
        if (done) {
            return;
        }
        done = true;
        failure.compareAndSet(null, new IllegalStateException("aborted"));
        queue.clear();
        queue.offer(Chunk.ABORT);
        join(compressor);
        shutDown();
    }

    private void shutDown() {
        uploads.shutdownNow();
        try {
            uploads.awaitTermination(5, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteRecursively(dir);
    }

    private void endPart() {
        out.handOff();
        put(Chunk.endPart(rowsInPart));
        out.resetCount();
        inPart = false;
    }

    private void handOff(Chunk chunk) {
        checkFailure();
        put(chunk);
    }

    private void put(Chunk chunk) {
        try {
            queue.put(chunk);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StagingException("interrupted while writing table " + schema.name(), e);
        }
    }

    private void checkFailure() {
        Throwable t = failure.get();
        if (t != null && !done) {
            throw staging(t);
        }
    }

    private StagingException staging(Throwable t) {
        return t instanceof StagingException s ? s
                : new StagingException("cannot write a part of table " + schema.name() + ": " + t.getMessage(), t);
    }

    /** The compressor thread: chunks in, closed part files out to the upload thread. */
    private void compressLoop() {
        PartFile current = null;
        int partNumber = 0;
        try {
            while (true) {
                Chunk chunk = queue.take();
                switch (chunk.kind()) {
                    case DATA -> {
                        if (failure.get() == null) {
                            if (current == null) {
                                diskSlots.acquire();
                                current = new PartFile(dir.resolve("part-" + partNumber + options.compression().suffix()),
                                        options.compression(), options.gzipLevel());
                            }
                            current.write(chunk.data(), chunk.length());
                        }
                        pool.release(chunk.data());
                    }
                    case END_PART -> {
                        if (current != null && failure.get() == null) {
                            current.close();
                            uploadsInOrder.add(uploads.submit(upload(current, partKeys.apply(partNumber), chunk.rows())));
                            current = null;
                            partNumber++;
                        }
                    }
                    case FINISH, ABORT -> {
                        return;
                    }
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            drainUntilEnd();
        } finally {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException ignored) {
                    // the part is discarded anyway
                }
                deleteQuietly(current.path());
                diskSlots.release();
            }
        }
    }

    /** After a failure, keeps taking chunks so the encoder never blocks on a full queue. */
    private void drainUntilEnd() {
        try {
            while (true) {
                Chunk chunk = queue.take();
                if (chunk.kind() == Chunk.Kind.DATA) {
                    pool.release(chunk.data());
                } else if (chunk.kind() == Chunk.Kind.FINISH || chunk.kind() == Chunk.Kind.ABORT) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private java.util.concurrent.Callable<ManifestPart> upload(PartFile part, String key, long rows) {
        return () -> {
            try {
                uploader.upload(key, part.path(), contentType);
                return new ManifestPart(key, rows, part.bytes(), part.sha256());
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
                throw t;
            } finally {
                deleteQuietly(part.path());
                diskSlots.release();
            }
        };
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // the work directory is wiped before and after every record anyway
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(CsvTableWriter::deleteQuietly);
        } catch (IOException ignored) {
            // best effort, see deleteQuietly
        }
    }
}

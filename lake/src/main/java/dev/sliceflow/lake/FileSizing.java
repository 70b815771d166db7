package dev.sliceflow.lake;

/**
 * How a table's rows of one batch become data files (docs/lake.md, "File sizing"): a file is rolled at {@code
 * targetBytes}; a batch of at least twice {@code rowsPerWriter} rows is written as several files at once, one per
 * {@code rowsPerWriter} rows, at most {@code maxWriters}.
 */
public record FileSizing(long targetBytes, long rowsPerWriter, int maxWriters) {
    /**
     * 128 MB files (what readers and S3 Tables' compaction aim at); a second writer from 500,000 rows on, and as
     * many as there are cores (a 3,008 MB Lambda function has two).
     */
    public static final FileSizing DEFAULT = new FileSizing(128L << 20, 250_000,
            Runtime.getRuntime().availableProcessors());

    public FileSizing {
        if (targetBytes <= 0 || rowsPerWriter <= 0 || maxWriters <= 0) {
            throw new IllegalArgumentException("file sizing must be positive: " + targetBytes + " bytes, "
                    + rowsPerWriter + " rows per writer, " + maxWriters + " writers");
        }
    }

    /** The writers for {@code rows} rows. */
    int writers(long rows) {
        return (int) Math.max(1, Math.min(maxWriters, rows / rowsPerWriter));
    }
}

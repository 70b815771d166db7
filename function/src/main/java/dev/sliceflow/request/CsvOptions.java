package dev.sliceflow.request;

import dev.sliceflow.core.InvalidInputException;

/**
 * How a worker writes parts. Absent fields take the defaults.
 *
 * @param compression   gzip (default) or none
 * @param gzipLevel     1 (fastest) .. 9 (smallest); default {@value #DEFAULT_GZIP_LEVEL}
 * @param partSizeBytes a part closes at the first row boundary after this many uncompressed bytes;
 *                      default 128 MiB, the size warehouses' COPY likes; 1 KiB .. 4 GiB
 */
public record CsvOptions(Compression compression, Integer gzipLevel, Long partSizeBytes) {
    public static final int DEFAULT_GZIP_LEVEL = 6;
    public static final long DEFAULT_PART_SIZE = 128L << 20;
    public static final long MIN_PART_SIZE = 1L << 10;
    public static final long MAX_PART_SIZE = 4L << 30;

    public CsvOptions {
        compression = compression == null ? Compression.GZIP : compression;
        gzipLevel = gzipLevel == null ? DEFAULT_GZIP_LEVEL : gzipLevel;
        partSizeBytes = partSizeBytes == null ? DEFAULT_PART_SIZE : partSizeBytes;
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new InvalidInputException("csv.gzipLevel " + gzipLevel + " is out of range: must be 1..9");
        }
        if (partSizeBytes < MIN_PART_SIZE || partSizeBytes > MAX_PART_SIZE) {
            throw new InvalidInputException("csv.partSizeBytes " + partSizeBytes + " is out of range: must be "
                    + MIN_PART_SIZE + ".." + MAX_PART_SIZE);
        }
    }

    public static CsvOptions defaults() {
        return new CsvOptions(null, null, null);
    }
}

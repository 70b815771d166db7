package dev.sliceflow.manifest;

import dev.sliceflow.request.WriteMode;
import java.time.Instant;
import java.util.List;

/**
 * The commit of a slice (or of part of it, see {@code seq}): written after every part it lists is uploaded.
 * Documented in docs/manifest.md.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param syncId        the sync
 * @param syncTime      the sync's start
 * @param source        the source kind (loaded as _source)
 * @param account       the slice's account
 * @param region        the slice's region
 * @param seq           0, or n+1 for the continuation of manifest n
 * @param last          true when no continuation follows (the slice is complete with this manifest)
 * @param writeMode     replace or append
 * @param attempt       the attempt that wrote it (also in its part keys)
 * @param producer      the writer and its version, e.g. sliceflow-worker/0.1.0
 * @param createdAt     when it was written
 * @param dialect       the parts' CSV dialect
 * @param tables        the tables of this manifest, ok or failed
 */
public record Manifest(int formatVersion, String syncId, Instant syncTime, String source, String account,
                       String region, int seq, boolean last, WriteMode writeMode, String attempt, String producer,
                       Instant createdAt, CsvDialectSpec dialect, List<ManifestTable> tables) {
    public static final int FORMAT_VERSION = 1;

    public Manifest {
        tables = List.copyOf(tables);
    }

    public long totalRows() {
        return tables.stream().mapToLong(ManifestTable::rows).sum();
    }
}

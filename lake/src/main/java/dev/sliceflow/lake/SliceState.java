package dev.sliceflow.lake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What sliceflow knows about one lake table, committed with its data (docs/lake.md, "Slice state"): for every
 * (source, account, region) in the table, the sync it holds, that sync's manifests loaded so far (key and SHA-256:
 * what makes a replay a no-op), and where its rows are (data file, first position, count), so that replacing a slice
 * is a position delete of exactly its rows. Immutable; changes return a new state.
 *
 * @param slices by {@link SliceKey}
 */
public record SliceState(Map<SliceKey, Slice> slices) {
    public static final SliceState EMPTY = new SliceState(Map.of());

    public SliceState {
        // withAll's own copy is already sorted and private: not copied twice
        slices = java.util.Collections.unmodifiableMap(slices instanceof TreeMap<SliceKey, Slice> sorted
                && sorted.comparator() == null ? sorted : new TreeMap<>(slices));
    }

    /** (source, account, region): the unit of replace within one table. */
    public record SliceKey(String source, String account, String region) implements Comparable<SliceKey> {
        @Override
        public int compareTo(SliceKey o) {
            int c = source.compareTo(o.source);
            if (c == 0) {
                c = account.compareTo(o.account);
            }
            return c == 0 ? region.compareTo(o.region) : c;
        }
    }

    /** A manifest loaded into the table. */
    public record ManifestRef(String key, String sha256) {
    }

    /** {@code count} rows from {@code position} on in {@code file}, all of sync {@code syncId}. */
    public record Range(String file, long position, long count, String syncId) {
    }

    /**
     * @param syncId    the newest sync loaded for the slice
     * @param syncTime  its syncTime: what the stale rule compares with
     * @param manifests the manifests of that sync loaded so far (a continuation adds to them, a newer sync resets)
     * @param ranges    where the slice's current rows are (in append mode, of every sync kept)
     */
    public record Slice(String syncId, Instant syncTime, List<ManifestRef> manifests, List<Range> ranges) {
        public Slice {
            manifests = List.copyOf(manifests);
            ranges = List.copyOf(ranges);
        }

        public boolean holds(String key, String sha256) {
            return manifests.contains(new ManifestRef(key, sha256));
        }

        public long rows() {
            return ranges.stream().mapToLong(Range::count).sum();
        }
    }

    public Slice get(SliceKey key) {
        return slices.get(key);
    }

    public SliceState with(SliceKey key, Slice slice) {
        Map<SliceKey, Slice> one = new java.util.HashMap<>();
        one.put(key, slice);
        return withAll(one);
    }

    /**
     * The state with every slice of {@code changes} set (a null value removes it), in one copy: a batch changes a
     * hundred slices of a table that may hold 170,000, and a copy per slice made each batch cost the table's size
     * times the batch's.
     */
    public SliceState withAll(Map<SliceKey, Slice> changes) {
        TreeMap<SliceKey, Slice> copy = new TreeMap<>(slices);
        changes.forEach((key, slice) -> {
            if (slice == null) {
                copy.remove(key);
            } else {
                copy.put(key, slice);
            }
        });
        return new SliceState(copy);
    }

    public long rows() {
        return slices.values().stream().mapToLong(Slice::rows).sum();
    }

    static List<Range> append(List<Range> ranges, List<Range> more) {
        List<Range> all = new ArrayList<>(ranges);
        all.addAll(more);
        return all;
    }
}

package dev.sliceflow.planner;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.WriteMode;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What a sync expects: every (account, region) slice, each with the same tables. Written to
 * {@code syncs/sync_id=<id>/plan.json} before anything is enqueued; sync status compares it with what loaded.
 * Slices are the cross product, accounts outer, in the spec's order: the same spec and syncTime give the same slices
 * in the same order. They are generated, never held: 170,000 slices cost no memory.
 *
 * @param accounts the accounts, in the spec's order (after its skip list)
 * @param regions  the regions every account is synced in (with regions: ["*"], those enabled in the first account)
 */
public record Plan(int formatVersion, String syncId, Instant syncTime, SourceSpec source, List<String> tables,
                   WriteMode writeMode, CsvOptions csv, List<String> accounts, List<String> regions,
                   long slices) {
    public static final int FORMAT_VERSION = 1;

    public Plan {
        accounts = List.copyOf(accounts);
        regions = List.copyOf(regions);
        tables = List.copyOf(tables);
    }

    /** The sync request of every slice, in plan order. */
    @JsonIgnore
    public Iterable<SyncRequest> requests() {
        return () -> new Iterator<>() {
            private int account;
            private int region;

            @Override
            public boolean hasNext() {
                return account < accounts.size() && !regions.isEmpty();
            }

            @Override
            public SyncRequest next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                SyncRequest request = new SyncRequest(SyncRequest.VERSION, syncId, syncTime, source,
                        accounts.get(account), regions.get(region), tables, List.of(), writeMode, csv, 0);
                if (++region == regions.size()) {
                    region = 0;
                    account++;
                }
                return request;
            }
        };
    }
}

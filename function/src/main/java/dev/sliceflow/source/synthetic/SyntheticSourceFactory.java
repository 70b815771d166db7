package dev.sliceflow.source.synthetic;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.RowSink;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.SourceFactory;
import dev.sliceflow.source.Table;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code synthetic} source: deterministic rows from (seed, account, region, table, row number), for the demo,
 * the benchmarks and the lossless tests.
 *
 * <p>Options (all optional): {@code rowsPerTable} (default 1000); {@code rows.<table>} per-table override;
 * {@code seed} (default 1); {@code failTables}: comma-separated tables that throw after half their rows
 * (to see per-table isolation).
 */
public final class SyntheticSourceFactory implements SourceFactory {
    public static final String KIND = "synthetic";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<TableSchema> schemas() {
        return SyntheticTables.ALL;
    }

    @Override
    public Source open(SyncRequest request) {
        Map<String, String> options = request.source().options();
        Set<String> known = Set.of("rowsPerTable", "seed", "failTables");
        for (String key : options.keySet()) {
            if (!known.contains(key) && !key.startsWith("rows.")) {
                throw new InvalidInputException("unknown synthetic source option " + key + "; known: rowsPerTable, "
                        + "rows.<table>, seed, failTables");
            }
        }
        long defaultRows = number(options, "rowsPerTable", 1000);
        long seed = number(options, "seed", 1);
        Set<String> failing = Arrays.stream(options.getOrDefault("failTables", "").split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        List<Table> tables = SyntheticTables.ALL.stream()
                .map(schema -> (Table) new SyntheticTable(schema, sliceSeed(seed, request.account(), request.region()),
                        request.account(), request.region(), number(options, "rows." + schema.name(), defaultRows),
                        failing.contains(schema.name())))
                .toList();
        return () -> tables;
    }

    /** The seed of one slice: every (account, region) gets different rows. */
    public static long sliceSeed(long seed, String account, String region) {
        return SyntheticTables.mix(seed * 1_000_003L + account.hashCode() * 31L + region.hashCode());
    }

    /** Row {@code i} of {@code table} in the slice: the oracle for tests. */
    public static Object[] row(TableSchema table, long seed, String account, String region, long i) {
        Object[] row = new Object[table.width()];
        SyntheticTables.fill(table, sliceSeed(seed, account, region), account, region, i, row);
        return row;
    }

    private static long number(Map<String, String> options, String key, long fallback) {
        String value = options.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.strip());
            if (parsed < 0) {
                throw new NumberFormatException("negative");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("synthetic source option " + key + " must be a whole number >= 0, got "
                    + value, e);
        }
    }

    private record SyntheticTable(TableSchema schema, long sliceSeed, String account, String region, long rows,
                                  boolean failing) implements Table {
        @Override
        public void scan(RowSink sink) throws Exception {
            Object[] row = new Object[schema.width()];
            for (long i = 0; i < rows; i++) {
                if (failing && i == rows / 2) {
                    throw new IllegalStateException("synthetic failure of table " + schema.name() + " after " + i
                            + " rows (option failTables)");
                }
                SyntheticTables.fill(schema, sliceSeed, account, region, i, row);
                sink.accept(row);
            }
        }
    }
}

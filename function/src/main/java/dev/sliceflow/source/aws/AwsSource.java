package dev.sliceflow.source.aws;

import dev.sliceflow.source.RowSink;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.Table;
import dev.sliceflow.schema.TableSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The aws source opened for one slice: its tables, fetched concurrently, over the slice's credentials. */
final class AwsSource implements Source {
    private static final Logger LOG = LoggerFactory.getLogger(AwsSource.class);

    private final AwsSlice slice;
    private final List<Table> tables;
    private final Prefetch prefetch;

    AwsSource(AwsSlice slice, List<AwsTable> all, List<String> selected, int concurrency) {
        this.slice = slice;
        this.tables = all.stream().map(t -> (Table) new SliceTable(t)).toList();
        Map<String, Prefetch.Fetch> fetches = new LinkedHashMap<>();
        for (String name : selected) {
            AwsTable table = all.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
            fetches.put(name, sink -> run(table, sink));
        }
        this.prefetch = new Prefetch(fetches, concurrency, Prefetch.DEFAULT_CAPACITY);
    }

    @Override
    public List<Table> tables() {
        return tables;
    }

    /** One table in this slice: empty outside the global region for a global table, empty where not available. */
    private void run(AwsTable table, RowSink sink) throws Exception {
        if (table.scope() == AwsTable.Scope.GLOBAL && !slice.globalRegion()) {
            return;
        }
        Throwable[] fromSink = {null};
        RowSink guarded = new RowSink() {
            @Override
            public void accept(Object[] row) throws java.io.IOException {
                try {
                    sink.accept(row);
                } catch (Throwable e) {
                    fromSink[0] = e;
                    throw e;
                }
            }

            @Override
            public void skipped(String reason) throws java.io.IOException {
                LOG.warn("row skipped: account={} region={} {}", slice.account(), slice.region(), reason);
                try {
                    sink.skipped(reason);
                } catch (Throwable e) {
                    fromSink[0] = e;
                    throw e;
                }
            }
        };
        try {
            table.scanner().scan(slice, new AwsTable.Rows(table.schema(), guarded, slice.account(), slice.region()));
        } catch (Exception e) {
            if (e != fromSink[0] && Unavailable.isUnavailable(e, slice.region())) {
                LOG.info("table {} is not available in account={} region={}: empty ({})", table.name(),
                        slice.account(), slice.region(), e.getMessage());
                return;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            prefetch.close();
        } finally {
            slice.close();
        }
    }

    private final class SliceTable implements Table {
        private final AwsTable table;

        SliceTable(AwsTable table) {
            this.table = table;
        }

        @Override
        public TableSchema schema() {
            return table.schema();
        }

        @Override
        public void scan(RowSink sink) throws Exception {
            prefetch.scan(table.name(), s -> run(table, s), sink);
        }
    }
}

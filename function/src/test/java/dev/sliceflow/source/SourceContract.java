package dev.sliceflow.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.TableSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SourceFactory} promises the worker. Each source's test extends this with a factory and a
 * request naming a slice it can read.
 */
public abstract class SourceContract {
    protected abstract SourceFactory factory();

    /** A request for a slice this source can read in the test environment. */
    protected abstract SyncRequest request();

    @Test
    void schemas_whenListed_areTheTablesAnOpenedSourceOffersInTheSameOrder() {
        try (Source source = factory().open(request())) {
            assertThat(source.tables()).extracting(Table::schema).containsExactlyElementsOf(factory().schemas());
        }
    }

    @Test
    void scan_whenRowsStream_everyValueFitsItsColumnTypeAndNullability() throws Exception {
        try (Source source = factory().open(request())) {
            for (Table table : source.tables()) {
                TableSchema schema = table.schema();
                table.scan(row -> {
                    assertThat(row).as(schema.name()).hasSize(schema.width());
                    for (int i = 0; i < row.length; i++) {
                        Column column = schema.column(i);
                        if (row[i] == null) {
                            assertThat(column.nullable()).as("%s.%s is NOT NULL", schema.name(), column.name()).isTrue();
                        } else {
                            // encode rejects a value of the wrong Java class
                            CsvDialect.encode(column.type(), row[i]);
                        }
                    }
                });
            }
        }
    }

    @Test
    void scan_whenTheSinkThrows_theExceptionReachesTheCallerUnchanged() throws Exception {
        IOException stop = new IOException("sink is full");
        try (Source source = factory().open(request())) {
            for (Table table : source.tables()) {
                List<Object[]> seen = new ArrayList<>();
                Throwable thrown = null;
                try {
                    table.scan(row -> {
                        seen.add(row.clone());
                        throw stop;
                    });
                } catch (Throwable t) {
                    thrown = t;
                }
                if (!seen.isEmpty()) {
                    assertThat(thrown).as(table.schema().name()).isSameAs(stop);
                }
            }
        }
    }

    @Test
    void scan_whenRunTwice_streamsTheSameRowCount() throws Exception {
        try (Source source = factory().open(request())) {
            for (Table table : source.tables()) {
                long[] counts = new long[2];
                for (int run = 0; run < 2; run++) {
                    int r = run;
                    try {
                        table.scan(row -> counts[r]++);
                    } catch (Exception e) {
                        counts[r] = -1; // a failing table fails the same way twice
                    }
                }
                assertThat(counts[1]).as(table.schema().name()).isEqualTo(counts[0]);
            }
        }
    }

    @Test
    void open_whenTheSourceKindIsRegistered_isFoundByItsKind() {
        SourceRegistry registry = new SourceRegistry(List.of(factory()));
        assertThat(registry.get(factory().kind())).isSameAs(factory());
        assertThatThrownBy(() -> registry.get("no-such-kind")).hasMessageContaining("unknown source 'no-such-kind'");
    }
}

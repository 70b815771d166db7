package dev.sliceflow.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticSourceTest extends SourceContract {
    private final SyntheticSourceFactory factory = new SyntheticSourceFactory();

    @Override
    protected SourceFactory factory() {
        return factory;
    }

    @Override
    protected SyncRequest request() {
        return request(Map.of("rowsPerTable", "300"), "123456789012");
    }

    private static SyncRequest request(Map<String, String> options, String account) {
        return new SyncRequest(1, "s", Instant.parse("2026-01-01T00:00:00Z"), new SourceSpec("synthetic", options),
                account, "us-east-1", null, null, null, null, null);
    }

    private static List<Object[]> rows(SyncRequest request, int table) throws Exception {
        List<Object[]> rows = new ArrayList<>();
        try (Source source = new SyntheticSourceFactory().open(request)) {
            source.tables().get(table).scan(row -> rows.add(row.clone()));
        }
        return rows;
    }

    @Test
    void scan_whenTheSameSlice_isDeterministicAndEqualsTheOracle() throws Exception {
        List<Object[]> first = rows(request(), 0);
        List<Object[]> second = rows(request(), 0);
        assertThat(first).hasSize(300);
        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i)).containsExactly(first.get(i));
            assertThat(first.get(i)).containsExactly(
                    SyntheticSourceFactory.row(SyntheticTables.TYPES, 1, "123456789012", "us-east-1", i));
        }
    }

    @Test
    void scan_whenAnotherAccount_producesOtherRows() throws Exception {
        List<Object[]> a = rows(request(Map.of("rowsPerTable", "200"), "123456789012"), 1);
        List<Object[]> b = rows(request(Map.of("rowsPerTable", "200"), "210987654321"), 1);
        assertThat(a.get(150)[4]).isNotEqualTo(b.get(150)[4]);
    }

    @Test
    void scan_whenTypesTable_containsEveryNullableColumnAsNullSomewhere() throws Exception {
        List<Object[]> rows = rows(request(), 0);
        for (int column = 0; column < SyntheticTables.TYPES.width(); column++) {
            int c = column;
            boolean hasNull = rows.stream().anyMatch(r -> r[c] == null);
            assertThat(hasNull).as(SyntheticTables.TYPES.column(c).name())
                    .isEqualTo(SyntheticTables.TYPES.column(c).nullable());
        }
    }

    @Test
    void open_whenAnOptionIsUnknownOrNotANumber_failsNamingIt() {
        assertThatThrownBy(() -> factory.open(request(Map.of("rowz", "1"), "123456789012")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown synthetic source option rowz");
        assertThatThrownBy(() -> factory.open(request(Map.of("rowsPerTable", "-5"), "123456789012")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("rowsPerTable must be a whole number");
    }
}

package dev.sliceflow.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.planner.Plan;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares a warehouse with the synthetic source: row counts per table and per slice, and every value of every row
 * of the sampled slices against {@link SyntheticSourceFactory#row} (synthetic_types carries the hard values: NaN,
 * -0.0, subnormals, quotes, newlines, NULL vs empty, extreme timestamps and decimals).
 */
public final class SyntheticOracle {
    private SyntheticOracle() {
    }

    /**
     * Asserts that each table holds exactly the plan's slices, {@code rowsPerTable} rows each, and nothing else; and
     * that every row of every slice whose index is a multiple of {@code sampleEvery} equals the source's.
     */
    static void assertExact(Connection c, Plan plan, long rowsPerTable, long seed, int sampleEvery)
            throws SQLException {
        assertExact(c, plan.syncId(), plan.accounts(), plan.regions(), rowsPerTable, seed, sampleEvery);
    }

    public static void assertExact(Connection c, String syncId, List<String> accounts, List<String> regions,
                                   long rowsPerTable, long seed, int sampleEvery) throws SQLException {
        for (TableSchema schema : SyntheticTables.ALL) {
            Map<String, Long> expected = new TreeMap<>();
            for (String account : accounts) {
                for (String region : regions) {
                    expected.put(account + "/" + region, rowsPerTable);
                }
            }
            Map<String, Long> actual = new TreeMap<>();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT _account, _region, _sync_id, count(*) FROM " + schema.name()
                         + " GROUP BY _account, _region, _sync_id")) {
                while (rs.next()) {
                    assertThat(rs.getString(3)).as(schema.name() + " rows of another sync").isEqualTo(syncId);
                    actual.put(rs.getString(1) + "/" + rs.getString(2), rs.getLong(4));
                }
            }
            assertThat(actual).as(schema.name() + ": rows per slice").isEqualTo(expected);

            int slice = 0;
            for (String account : accounts) {
                for (String region : regions) {
                    if (slice++ % sampleEvery == 0) {
                        assertSlice(c, schema, account, region, rowsPerTable, seed);
                    }
                }
            }
        }
    }

    private static void assertSlice(Connection c, TableSchema schema, String account, String region, long rows,
                                    long seed) throws SQLException {
        String columns = String.join(", ", schema.columns().stream().map(col -> "\"" + col.name() + "\"").toList());
        int key = schema.columns().stream().map(Column::name).toList().indexOf(schema.primaryKey().getFirst());
        Map<String, List<Object>> byKey = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM " + schema.name()
                + " WHERE _account = ? AND _region = ?")) {
            ps.setString(1, account);
            ps.setString(2, region);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 0; i < schema.width(); i++) {
                        row.add(dev.sliceflow.testing.JdbcValues.read(rs, i + 1, schema.column(i).type()));
                    }
                    assertThat(byKey.put(String.valueOf(row.get(key)), row)).as("duplicate key " + row.get(key))
                            .isNull();
                }
            }
        }
        assertThat(byKey).as(schema.name() + " " + account + " " + region).hasSize((int) rows);
        for (long i = 0; i < rows; i++) {
            Object[] want = SyntheticSourceFactory.row(schema, seed, account, region, i);
            List<Object> have = byKey.get(String.valueOf(want[key]));
            assertThat(have).as(schema.name() + " " + account + " " + region + " row " + i).isNotNull();
            for (int col = 0; col < schema.width(); col++) {
                String where = schema.name() + " " + account + " " + region + " row " + i + " column "
                        + schema.column(col).name();
                dev.sliceflow.testing.JdbcValues.assertSame(where, want[col], have.get(col));
            }
        }
    }

    /** Rows in the ledger: what a second load of anything would change. */
    public static long ledgerRows(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM _sliceflow_loads")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

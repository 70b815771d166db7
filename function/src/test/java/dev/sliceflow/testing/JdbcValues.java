package dev.sliceflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.schema.ColumnType;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/** Values read back from a warehouse the way a user's JDBC code would, and compared with what the source produced. */
public final class JdbcValues {
    private JdbcValues() {
    }

    /** The column's value as the Java class its {@link ColumnType} carries in a row (null for SQL NULL). */
    public static Object read(ResultSet rs, int index, ColumnType type) throws SQLException {
        Object value = switch (type) {
            case STRING, JSON -> rs.getString(index);
            case LONG -> rs.getLong(index);
            case DOUBLE -> rs.getDouble(index);
            case DECIMAL -> rs.getBigDecimal(index);
            case BOOLEAN -> rs.getBoolean(index);
            case TIMESTAMP -> {
                OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
                yield t == null ? null : t.toInstant();
            }
            case DATE -> rs.getObject(index, LocalDate.class);
        };
        return rs.wasNull() ? null : value;
    }

    /**
     * Asserts a warehouse value equals the source's: decimals by value (the warehouse pads the scale), doubles bit for
     * bit in Double.compare's sense (so -0.0 and NaN are checked, not waved through), everything else by equals.
     */
    public static void assertSame(String where, Object want, Object have) {
        if (want == null) {
            assertThat(have).as(where).isNull();
        } else if (want instanceof BigDecimal decimal) {
            assertThat((BigDecimal) have).as(where).isEqualByComparingTo(decimal);
        } else if (want instanceof Double d) {
            assertThat(Double.compare((Double) have, d)).as(where + ": " + have + " vs " + d).isZero();
        } else {
            assertThat(have).as(where).isEqualTo(want);
        }
    }
}

package dev.sliceflow.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.destination.LoadDeadline;
import dev.sliceflow.destination.LoadTimeoutException;
import dev.sliceflow.testing.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The last guard of the loader's deadline, on embedded PostgreSQL: work that finishes after it is never committed. */
class SqlSessionTest {
    @Test
    void inTransaction_whenTheWorkEndsAfterTheDeadline_rollsBackInsteadOfCommitting() throws Exception {
        String url = LocalPostgres.get().newDatabase();
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (v int)");
        }
        PostgresDialect dialect = new PostgresDialect(new WarehouseConfig(url, Optional.of(LocalPostgres.USER),
                Optional.of("")), () -> null, Duration.ofSeconds(5));
        try (SqlSession session = new SqlSession(dialect, c -> null)) {
            assertThatThrownBy(() -> session.inTransaction("the test's work", LoadDeadline.in(Duration.ofMillis(300)),
                    c -> {
                        try (Statement st = c.createStatement()) {
                            st.execute("INSERT INTO t VALUES (1)");
                        }
                        Thread.sleep(600);
                        return null;
                    }))
                    .isInstanceOf(LoadTimeoutException.class)
                    .hasMessageContaining("the test's work: not committed: the loader's deadline passed before COMMIT");

            session.inTransaction("in time", LoadDeadline.in(Duration.ofSeconds(30)), c -> {
                try (Statement st = c.createStatement()) {
                    st.execute("INSERT INTO t VALUES (2)");
                }
                return null;
            });
        }
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM t")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.next()).as("the late insert was rolled back").isFalse();
        }
    }

    @Test
    void inTransaction_whenTheDeadlineHasPassed_startsNothing() {
        PostgresDialect dialect = new PostgresDialect(new WarehouseConfig("jdbc:postgresql://127.0.0.1:1/none",
                Optional.empty(), Optional.empty()), () -> null, Duration.ofSeconds(5));
        try (SqlSession session = new SqlSession(dialect, c -> null)) {
            assertThatThrownBy(() -> session.inTransaction("late", LoadDeadline.in(Duration.ZERO), c -> {
                throw new AssertionError("must not run");
            })).isInstanceOf(LoadTimeoutException.class).hasMessageContaining("not started");
        }
    }
}

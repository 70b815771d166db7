package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.TestDirs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** {@code sliceflow query} on both warehouses, with the values a careless printer shows alike. */
class QueryCommandTest {
    /** Values that must each be shown differently, and how. */
    private static final String[][] HOSTILE = {
        {null, "NULL"},
        {"NULL", "'NULL'"},
        {"null", "'null'"},
        {"", "''"},
        {" ", "' '"},
        {"  ", "'  '"},
        {"'", "'\\''"},
        {"it's", "'it\\'s'"},
        {"a\nb", "'a\\nb'"},
        {"a\\nb", "'a\\\\nb'"},
        {"tab\there", "'tab\\there'"},
        {"cr\r\n", "'cr\\r\\n'"},
        {"\u001b[31mred", "'\\u001b[31mred'"},
        {"emoji \uD83D\uDE00", "'emoji \uD83D\uDE00'"},
    };

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static void fill(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE hostile (id integer, v varchar, n bigint)");
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO hostile VALUES (?, ?, ?)")) {
            for (int i = 0; i < HOSTILE.length; i++) {
                ps.setInt(1, i);
                if (HOSTILE[i][0] == null) {
                    ps.setNull(2, Types.VARCHAR);
                    ps.setNull(3, Types.BIGINT);
                } else {
                    ps.setString(2, HOSTILE[i][0]);
                    ps.setLong(3, i);
                }
                ps.executeUpdate();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"duckdb", "postgresql"})
    void query_whenValuesDifferOnlyInNullQuotesBlanksOrControlCharacters_showsEachDistinctly(String engine)
            throws Exception {
        Path dir = TestDirs.create("query-" + engine);
        List<String> args = new ArrayList<>(List.of("query", "--dir", dir.toString()));
        if (engine.equals("duckdb")) {
            try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("warehouse.duckdb"))) {
                fill(c);
            }
        } else {
            String url = LocalPostgres.get().newDatabase();
            try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "")) {
                fill(c);
            }
            args.addAll(List.of("--warehouse", url, "--warehouse-user", LocalPostgres.USER));
        }
        args.add("SELECT id, v, n FROM hostile ORDER BY id");

        Run query = run(args.toArray(String[]::new));

        assertThat(query.exit()).as(query.err()).isZero();
        List<String> lines = query.out().lines().toList();
        assertThat(lines.get(0)).matches("id\\s+\\| v\\s+\\| n");
        List<String[]> rows = lines.subList(2, lines.size() - 1).stream().map(l -> l.split(" \\| ", -1)).toList();
        assertThat(rows).hasSize(HOSTILE.length);
        for (int i = 0; i < HOSTILE.length; i++) {
            assertThat(rows.get(i)[0].strip()).isEqualTo(String.valueOf(i));
            assertThat(rows.get(i)[1].stripTrailing()).as("value %s", Arrays.toString(HOSTILE[i]))
                    .isEqualTo(HOSTILE[i][1]);
            assertThat(rows.get(i)[2].strip()).as("a number is bare, its NULL is NULL")
                    .isEqualTo(HOSTILE[i][0] == null ? "NULL" : String.valueOf(i));
        }
        assertThat(lines.get(lines.size() - 1)).isEqualTo("(" + HOSTILE.length + " rows)");
    }
}

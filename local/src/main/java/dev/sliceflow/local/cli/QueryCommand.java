package dev.sliceflow.local.cli;

import dev.sliceflow.runtime.Settings;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.Warehouses;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sliceflow query "SQL"}: run SQL against the local warehouse and print a table. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Run SQL against the warehouse (DuckDB in --dir by default) and print the result as a table.",
                "Strings are shown in single quotes ('', ' ', 'NULL'), SQL NULL as NULL, bare; \\, ' and control "
                        + "characters inside quotes escaped (\\n, \\t, \\u001b).",
                "DuckDB allows one process at a time: stop `sliceflow serve` first, or use PostgreSQL."})
final class QueryCommand implements Callable<Integer> {
    @Mixin
    DataDirOption dir;

    @Parameters(index = "0", paramLabel = "SQL", description = "The statement, e.g. \"SELECT count(*) FROM synthetic_types\".")
    String sql;

    @Mixin
    WarehouseOption warehouse;

    @Option(names = "--max-rows", defaultValue = "100", description = "Rows printed at most (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Option(names = "--max-width", defaultValue = "60", description = "Characters per cell at most (default: "
            + "${DEFAULT-VALUE}).")
    int maxWidth;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = command.commandLine().getOut();
        Settings settings = warehouse.settings(dir.dir(), Map.of());
        WarehouseConfig config = Warehouses.config(settings, () -> settings.clients().secretsManager());
        if (config.url().startsWith("jdbc:duckdb:") && !java.nio.file.Files.exists(
                java.nio.file.Path.of(config.url().substring("jdbc:duckdb:".length())))) {
            throw new IllegalStateException("no warehouse at " + config.url() + ": run `sliceflow demo` or `serve` first");
        }
        try (Connection c = connect(config, dir.dir());
             Statement st = c.createStatement()) {
            if (!st.execute(sql)) {
                out.println("OK, " + st.getUpdateCount() + " rows changed");
                return 0;
            }
            try (ResultSet rs = st.getResultSet()) {
                print(out, rs);
            }
        }
        return 0;
    }

    /**
     * A connection to the warehouse; for a lake (iceberg:...), DuckDB with a view per lake table read from the local
     * blob store (docs/lake.md), so the same SQL runs against either.
     */
    static Connection connect(WarehouseConfig config, java.nio.file.Path dataDir) throws SQLException {
        if (dev.sliceflow.local.lake.LocalLake.isLake(config.url())) {
            return dev.sliceflow.local.lake.LocalLake.connect(config.url(), dataDir);
        }
        return DriverManager.getConnection(config.url(), config.user().orElse(null), config.password().orElse(null));
    }

    private void print(PrintWriter out, ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        int columns = meta.getColumnCount();
        List<String[]> rows = new ArrayList<>();
        String[] header = new String[columns];
        for (int i = 0; i < columns; i++) {
            header[i] = meta.getColumnLabel(i + 1);
        }
        long total = 0;
        while (rs.next()) {
            total++;
            if (rows.size() < maxRows) {
                String[] row = new String[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = Cells.render(rs.getObject(i + 1), maxWidth, "…");
                }
                rows.add(row);
            }
        }
        int[] widths = new int[columns];
        for (int i = 0; i < columns; i++) {
            widths[i] = header[i].length();
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        line(out, header, widths);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < columns; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(widths[i]));
        }
        out.println(rule);
        rows.forEach(row -> line(out, row, widths));
        out.println("(" + total + (total == 1 ? " row" : " rows") + (total > rows.size() ? ", " + rows.size()
                + " shown" : "") + ")");
    }

    private static void line(PrintWriter out, String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", cells[i]));
        }
        out.println(line.toString().stripTrailing());
    }
}

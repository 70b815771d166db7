package dev.sliceflow.local.cli;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.Warehouses;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sliceflow reset-slice}: forget what the warehouse last loaded for a slice, so that its next sync loads
 * whatever its syncTime. The undo for a slice frozen by a syncTime from the future (every later sync recorded stale).
 * Plain JDBC on purpose: an operator's repair, not part of the load protocol (docs/loading.md#resetting-a-slice).
 */
@Command(name = "reset-slice", mixinStandardHelpOptions = true,
        description = {"Delete a slice's _sliceflow_state rows, so that the next sync of the slice loads whatever its "
                + "syncTime (undoes a mistaken future syncTime, after which every sync of the slice is stale).",
                "Shows what it would do; --yes does it, in one transaction. The tables' rows stay (the next sync "
                        + "replaces them) unless --delete-rows. The ledger (_sliceflow_loads, _sliceflow_manifests) "
                        + "is kept.",
                "DuckDB allows one process at a time: stop `sliceflow serve` first, or use PostgreSQL."})
final class ResetSliceCommand implements Callable<Integer> {
    /** The loader's state table (docs/loading.md), named here: this repair is not part of the Warehouse API. */
    private static final String STATE = "_sliceflow_state";

    @Mixin
    DataDirOption dir;

    @Mixin
    WarehouseOption warehouse;

    @Option(names = "--source", required = true, description = "The source kind, e.g. synthetic, aws.")
    String source;

    @Option(names = "--account", required = true, description = "The slice's account (12 digits).")
    String account;

    @Option(names = "--region", required = true, description = "The slice's region, e.g. us-east-1.")
    String region;

    @Option(names = "--table", description = "Only this table of the slice (default: every table it has state for).")
    String table;

    @Option(names = "--delete-rows", description = "Also delete the slice's rows from those tables now (e.g. rows "
            + "that append mode would keep forever), instead of leaving them until the next sync replaces them.")
    boolean deleteRows;

    @Option(names = "--yes", description = "Do it. Without --yes nothing changes: it shows what would be deleted.")
    boolean yes;

    @Spec
    CommandSpec command;

    /** One _sliceflow_state row: what the stale rule compares the next manifest of this table with. */
    private record State(String table, String lastSyncId, String lastSyncTime, String lastManifestKey, long rows) {
    }

    @Override
    public Integer call() throws SQLException {
        PrintWriter out = command.commandLine().getOut();
        Identifiers.source(source);
        Identifiers.account(account);
        Identifiers.region(region);
        if (table != null) {
            Identifiers.table(table);
        }
        Settings settings = warehouse.settings(dir.dir(), Map.of());
        WarehouseConfig config = Warehouses.config(settings, () -> settings.clients().secretsManager());
        if (config.url().startsWith("jdbc:duckdb:")
                && !Files.exists(Path.of(config.url().substring("jdbc:duckdb:".length())))) {
            throw new IllegalStateException("no warehouse at " + config.url() + ": nothing was ever loaded there");
        }
        String slice = source + "/" + account + "/" + region + (table == null ? "" : " table " + table);
        try (Connection c = DriverManager.getConnection(config.url(), config.user().orElse(null),
                config.password().orElse(null))) {
            c.setAutoCommit(false);
            List<State> states = states(c);
            if (states.isEmpty()) {
                out.println("slice " + slice + ": no " + STATE + " row in " + config.url()
                        + ": nothing to reset (the next sync of it loads as it is)");
                c.rollback();
                return 0;
            }
            out.println("slice " + slice + " in " + config.url() + ":");
            for (State s : states) {
                out.printf("  %-32s last loaded sync %s, syncTime %s (%s)%s%n", s.table(), s.lastSyncId(),
                        s.lastSyncTime(), s.lastManifestKey(), deleteRows ? ", " + s.rows() + " rows" : "");
            }
            String what = states.size() + " " + STATE + (states.size() == 1 ? " row" : " rows")
                    + (deleteRows ? " and " + states.stream().mapToLong(State::rows).sum() + " rows of the slice"
                    : "");
            if (!yes) {
                c.rollback();
                out.println("dry run: would delete " + what + "; the next sync of each table then loads whatever its"
                        + " syncTime" + (deleteRows ? "" : ", and replaces the rows that are there now")
                        + ". Run again with --yes to do it.");
                return 0;
            }
            delete(c, states);
            c.commit();
            out.println("deleted " + what + "; the next sync of each table loads whatever its syncTime.");
        }
        return 0;
    }

    private List<State> states(Connection c) throws SQLException {
        List<State> states = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, last_sync_id,"
                + " last_sync_time, last_manifest_key FROM " + STATE
                + " WHERE source = ? AND account = ? AND region = ?" + (table == null ? "" : " AND table_name = ?")
                + " ORDER BY table_name")) {
            bind(ps);
            if (table != null) {
                ps.setString(4, table);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    OffsetDateTime time = rs.getObject(3, OffsetDateTime.class);
                    states.add(new State(rs.getString(1), rs.getString(2),
                            time == null ? "-" : time.toInstant().toString(), rs.getString(4), 0));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + STATE + " (has anything been loaded into"
                    + " this warehouse?): " + e.getMessage(), e);
        }
        if (!deleteRows) {
            return states;
        }
        List<State> counted = new ArrayList<>();
        for (State s : states) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + quoted(s.table())
                    + " WHERE _source = ? AND _account = ? AND _region = ?")) {
                bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    counted.add(new State(s.table(), s.lastSyncId(), s.lastSyncTime(), s.lastManifestKey(),
                            rs.getLong(1)));
                }
            }
        }
        return counted;
    }

    private void delete(Connection c, List<State> states) throws SQLException {
        for (State s : states) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + STATE
                    + " WHERE source = ? AND account = ? AND region = ? AND table_name = ?")) {
                bind(ps);
                ps.setString(4, s.table());
                ps.executeUpdate();
            }
            if (deleteRows) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + quoted(s.table())
                        + " WHERE _source = ? AND _account = ? AND _region = ?")) {
                    bind(ps);
                    ps.executeUpdate();
                }
            }
        }
    }

    private void bind(PreparedStatement ps) throws SQLException {
        ps.setString(1, source);
        ps.setString(2, account);
        ps.setString(3, region);
    }

    /** A table name from the state table, validated again before it reaches SQL. */
    private static String quoted(String tableName) {
        return "\"" + Identifiers.table(tableName) + "\"";
    }
}

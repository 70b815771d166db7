package dev.sliceflow.warehouse;

import static dev.sliceflow.warehouse.Sql.FAILING_LOADS;
import static dev.sliceflow.warehouse.Sql.LOAD_ERRORS;
import static dev.sliceflow.warehouse.Sql.LOADS;
import static dev.sliceflow.warehouse.Sql.MANIFESTS;
import static dev.sliceflow.warehouse.Sql.PLANS;
import static dev.sliceflow.warehouse.Sql.REJECTS;
import static dev.sliceflow.warehouse.Sql.STATE;
import static dev.sliceflow.warehouse.Sql.SYNC_STATUS;

import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.destination.FailedLoad;
import dev.sliceflow.destination.LoadError;
import dev.sliceflow.destination.LedgerEntry;
import dev.sliceflow.destination.LoadStatus;
import dev.sliceflow.destination.SyncPlan;
import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.schema.ColumnType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A SQL warehouse's bookkeeping (docs/loading.md, "The ledger"): the ledger, state, rejects and plans tables, the
 * {@code _sliceflow_sync_status} view, and the removed-slice cleanup. Generic SQL that PostgreSQL and DuckDB both run.
 */
final class SqlLedger implements Bookkeeping {
    /** A load error longer than this is cut: the first lines say what failed. */
    private static final int MAX_ERROR = 4000;

    private final SqlDialect dialect;
    private final SqlSession session;

    SqlLedger(SqlDialect dialect, SqlSession session) {
        this.dialect = dialect;
        this.session = session;
    }

    /** Creates what is missing; runs on every new connection. */
    void create(Connection c) throws SQLException {
        dialect.beforeLedgerDdl(c);
        try (Statement st = c.createStatement()) {
            for (String ddl : ddl()) {
                st.execute(ddl);
            }
        }
    }


    @Override
    public void recordRejected(String manifestKey, String manifestSha256, String reason) {
        session.run("cannot record rejected manifest " + manifestKey, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + REJECTS
                    + " (manifest_key, manifest_sha256, reason, rejected_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP)")) {
                ps.setString(1, manifestKey);
                ps.setString(2, manifestSha256);
                ps.setString(3, reason);
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<LedgerEntry> ledger(String syncId) {
        return session.run("cannot read the ledger of sync " + syncId, c -> {
            List<LedgerEntry> entries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT manifest_key, manifest_sha256, sync_id, sync_time,"
                    + " source, account, region, seq, table_name, row_count, status, error, loaded_at FROM " + LOADS
                    + " WHERE sync_id = ? ORDER BY manifest_key, table_name")) {
                ps.setString(1, syncId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new LedgerEntry(rs.getString(1), rs.getString(2), rs.getString(3),
                                Sql.instant(rs, 4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8),
                                rs.getString(9), rs.getLong(10), LoadStatus.fromSql(rs.getString(11)),
                                rs.getString(12), Sql.instant(rs, 13)));
                    }
                }
            }
            return entries;
        });
    }

    @Override
    public boolean isLoaded(String manifestKey, String manifestSha256) {
        return session.run("cannot read the ledger", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + MANIFESTS
                    + " WHERE manifest_key = ? AND manifest_sha256 = ?")) {
                ps.setString(1, manifestKey);
                ps.setString(2, manifestSha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The ledger's DDL: generic SQL that PostgreSQL and DuckDB both run. */
    List<String> ddl() {
        String ts = dialect.typeName(ColumnType.TIMESTAMP);
        List<String> ddl = new ArrayList<>(List.of(
                "CREATE TABLE IF NOT EXISTS " + MANIFESTS + " (manifest_key text NOT NULL, manifest_sha256 text NOT NULL,"
                        + " sync_id text NOT NULL, sync_time " + ts + " NOT NULL, source text NOT NULL,"
                        + " account text NOT NULL, region text NOT NULL, seq integer NOT NULL, is_last boolean NOT NULL,"
                        + " write_mode text NOT NULL, table_count integer NOT NULL, row_count bigint NOT NULL,"
                        + " loaded_at " + ts + " NOT NULL, PRIMARY KEY (manifest_key, manifest_sha256))",
                "CREATE TABLE IF NOT EXISTS " + LOADS + " (manifest_key text NOT NULL, manifest_sha256 text NOT NULL,"
                        + " sync_id text NOT NULL, sync_time " + ts + " NOT NULL, source text NOT NULL,"
                        + " account text NOT NULL, region text NOT NULL, seq integer NOT NULL, table_name text NOT NULL,"
                        + " row_count bigint NOT NULL, status text NOT NULL, error text, loaded_at " + ts + " NOT NULL,"
                        + " PRIMARY KEY (manifest_key, manifest_sha256, table_name))",
                "CREATE TABLE IF NOT EXISTS " + STATE + " (source text NOT NULL, table_name text NOT NULL,"
                        + " account text NOT NULL, region text NOT NULL, last_sync_id text, last_sync_time " + ts + ","
                        + " last_manifest_key text, updated_at " + ts + ","
                        + " PRIMARY KEY (source, table_name, account, region))",
                "CREATE TABLE IF NOT EXISTS " + REJECTS + " (manifest_key text NOT NULL, manifest_sha256 text,"
                        + " reason text NOT NULL, rejected_at " + ts + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + PLANS + " (sync_id text NOT NULL PRIMARY KEY, sync_time " + ts
                        + " NOT NULL, source text NOT NULL, slices bigint NOT NULL, accounts integer NOT NULL,"
                        + " regions integer NOT NULL, tables text NOT NULL, recorded_at " + ts + " NOT NULL)",
                "CREATE TABLE IF NOT EXISTS " + LOAD_ERRORS + " (manifest_key text NOT NULL PRIMARY KEY,"
                        + " manifest_sha256 text, error text NOT NULL, attempts bigint NOT NULL,"
                        + " first_failed_at " + ts + " NOT NULL, last_failed_at " + ts + " NOT NULL)",
                syncStatusView(),
                failingLoadsView()));
        ddl.addAll(dialect.ledgerExtras());
        return ddl;
    }

    /**
     * Fan-in per sync. A slice is loaded when its last manifest and every earlier seq are loaded (continuations may
     * load out of order); complete when every slice the plan expects is loaded. A slice loaded again (a redelivered
     * request writes the same manifest key with another attempt, and it loads: it replaces the same rows) counts once:
     * manifests by key, and tables and rows by the latest ledger row of each (sync, source, account, region, table).
     */
    private static String syncStatusView() {
        return "CREATE OR REPLACE VIEW " + SYNC_STATUS + " AS"
                + " WITH slices AS (SELECT sync_id, account, region, bool_or(is_last) AS has_last,"
                + "   max(CASE WHEN is_last THEN seq END) AS last_seq, count(DISTINCT seq) AS seqs"
                + "   FROM " + MANIFESTS + " GROUP BY sync_id, account, region),"
                + " loaded AS (SELECT sync_id, count(*) FILTER (WHERE has_last AND seqs = last_seq + 1) AS slices_loaded"
                + "   FROM slices GROUP BY sync_id),"
                + " m AS (SELECT sync_id, min(sync_time) AS sync_time, count(DISTINCT manifest_key) AS manifests,"
                + "   min(loaded_at) AS first_loaded_at, max(loaded_at) AS last_loaded_at FROM " + MANIFESTS
                + "   GROUP BY sync_id),"
                + " latest AS (SELECT sync_id, status, row_count, row_number() OVER (PARTITION BY sync_id, source,"
                + "   account, region, table_name ORDER BY loaded_at DESC, seq DESC, manifest_sha256 DESC) AS nth"
                + "   FROM " + LOADS + "),"
                + " t AS (SELECT sync_id, count(*) FILTER (WHERE status = 'loaded') AS tables_loaded,"
                + "   count(*) FILTER (WHERE status = 'failed') AS tables_failed,"
                + "   count(*) FILTER (WHERE status = 'stale') AS tables_stale,"
                + "   sum(row_count) FILTER (WHERE status = 'loaded') AS rows_loaded FROM latest WHERE nth = 1"
                + "   GROUP BY sync_id)"
                + " SELECT coalesce(p.sync_id, m.sync_id) AS sync_id, coalesce(p.sync_time, m.sync_time) AS sync_time,"
                + "   coalesce(p.slices, -1) AS slices_expected, coalesce(l.slices_loaded, 0) AS slices_loaded,"
                + "   coalesce(m.manifests, 0) AS manifests, coalesce(t.tables_loaded, 0) AS tables_loaded,"
                + "   coalesce(t.tables_failed, 0) AS tables_failed, coalesce(t.tables_stale, 0) AS tables_stale,"
                + "   coalesce(t.rows_loaded, 0) AS rows_loaded, m.first_loaded_at, m.last_loaded_at,"
                + "   (p.slices IS NOT NULL AND coalesce(l.slices_loaded, 0) >= p.slices) AS complete"
                + " FROM " + PLANS + " p FULL OUTER JOIN m ON p.sync_id = m.sync_id"
                + " LEFT JOIN loaded l ON l.sync_id = coalesce(p.sync_id, m.sync_id)"
                + " LEFT JOIN t ON t.sync_id = coalesce(p.sync_id, m.sync_id)";
    }

    /**
     * The last transient error of each manifest key that has neither loaded (this checksum, or any checksum since the
     * failure) nor been rejected since it failed.
     */
    private static String failingLoadsView() {
        return "CREATE OR REPLACE VIEW " + FAILING_LOADS + " AS"
                + " SELECT e.manifest_key, e.manifest_sha256, e.error, e.attempts, e.first_failed_at, e.last_failed_at"
                + " FROM " + LOAD_ERRORS + " e"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + MANIFESTS + " m WHERE m.manifest_key = e.manifest_key"
                + "   AND (m.manifest_sha256 = e.manifest_sha256 OR m.loaded_at >= e.last_failed_at))"
                + " AND NOT EXISTS (SELECT 1 FROM " + REJECTS + " r WHERE r.manifest_key = e.manifest_key"
                + "   AND r.rejected_at >= e.last_failed_at)";
    }

    @Override
    public Set<String> settledSyncs(Collection<String> syncIds, Instant syncTimeBefore) {
        Set<String> settled = new LinkedHashSet<>();
        if (syncIds.isEmpty()) {
            return settled;
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(syncIds));
        return session.run("cannot read " + SYNC_STATUS + " for " + ids.size() + " syncs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT sync_id FROM " + SYNC_STATUS
                    + " WHERE sync_id IN (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")"
                    + " AND (complete OR sync_time < CAST(? AS timestamptz))")) {
                int i = 1;
                for (String id : ids) {
                    ps.setString(i++, id);
                }
                ps.setString(i, Sql.timestamp(syncTimeBefore));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        settled.add(rs.getString(1));
                    }
                }
            }
            return settled;
        });
    }

    @Override
    public Set<String> settledManifests(String syncId) {
        return session.run("cannot read the ledger of sync " + syncId, c -> {
            Set<String> keys = new java.util.HashSet<>();
            String prefix = likePrefix(dev.sliceflow.staging.ObjectLayout.MANIFESTS_PREFIX + "sync_id=" + syncId + "/");
            try (PreparedStatement ps = c.prepareStatement("SELECT manifest_key FROM " + MANIFESTS
                    + " WHERE sync_id = ? UNION SELECT manifest_key FROM " + REJECTS
                    + " WHERE manifest_key LIKE ? ESCAPE '\\' UNION SELECT manifest_key FROM " + LOAD_ERRORS
                    + " WHERE manifest_key LIKE ? ESCAPE '\\'")) {
                ps.setString(1, syncId);
                ps.setString(2, prefix);
                ps.setString(3, prefix);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getString(1));
                    }
                }
            }
            return keys;
        });
    }

    /** A LIKE pattern matching what starts with {@code prefix}, its wildcards escaped with a backslash. */
    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    @Override
    public void recordLoadErrors(List<FailedLoad> failures) {
        if (failures.isEmpty()) {
            return;
        }
        // one row per key in one statement: an upsert may not touch a row twice
        Map<String, FailedLoad> byKey = new LinkedHashMap<>();
        failures.forEach(f -> byKey.put(f.manifestKey(), f));
        session.run("cannot record the load errors of " + byKey.size() + " manifests", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + LOAD_ERRORS + " (manifest_key,"
                    + " manifest_sha256, error, attempts, first_failed_at, last_failed_at) VALUES "
                    + String.join(", ", java.util.Collections.nCopies(byKey.size(),
                    "(?, ?, ?, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
                    + " ON CONFLICT (manifest_key) DO UPDATE SET manifest_sha256 = excluded.manifest_sha256,"
                    + " error = excluded.error, attempts = " + LOAD_ERRORS + ".attempts + 1,"
                    + " last_failed_at = excluded.last_failed_at")) {
                int i = 1;
                for (FailedLoad f : byKey.values()) {
                    ps.setString(i++, f.manifestKey());
                    ps.setString(i++, f.manifestSha256());
                    ps.setString(i++, f.error().length() > MAX_ERROR ? f.error().substring(0, MAX_ERROR) + "..."
                            : f.error());
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<LoadError> failingLoads(int limit) {
        return session.run("cannot read " + FAILING_LOADS, c -> {
            List<LoadError> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT manifest_key, manifest_sha256, error, attempts,"
                    + " first_failed_at, last_failed_at FROM " + FAILING_LOADS
                    + " ORDER BY last_failed_at DESC, manifest_key LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new LoadError(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                                Sql.instant(rs, 5), Sql.instant(rs, 6)));
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public void recordPlan(SyncPlan plan) {
        session.run("cannot record the plan of sync " + plan.syncId(), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PLANS + " (sync_id, sync_time, source,"
                    + " slices, accounts, regions, tables, recorded_at) VALUES (?, CAST(? AS timestamptz), ?, ?, ?, ?, ?,"
                    + " CURRENT_TIMESTAMP)"
                    + " ON CONFLICT (sync_id) DO NOTHING")) {
                ps.setString(1, plan.syncId());
                ps.setString(2, Sql.timestamp(plan.syncTime()));
                ps.setString(3, plan.source());
                ps.setLong(4, plan.slices());
                ps.setInt(5, plan.accounts());
                ps.setInt(6, plan.regions());
                ps.setString(7, plan.tables());
                ps.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public List<SyncStatus> syncStatus(java.util.Optional<String> syncId) {
        return session.run("cannot read " + SYNC_STATUS, c -> {
            List<SyncStatus> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT sync_id, sync_time, slices_expected, slices_loaded,"
                    + " manifests, tables_loaded, tables_failed, tables_stale, rows_loaded, first_loaded_at,"
                    + " last_loaded_at, complete FROM " + SYNC_STATUS
                    + (syncId.isPresent() ? " WHERE sync_id = ?" : "") + " ORDER BY sync_time DESC, sync_id")) {
                if (syncId.isPresent()) {
                    ps.setString(1, syncId.get());
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new SyncStatus(rs.getString(1), Sql.instant(rs, 2), rs.getLong(3), rs.getLong(4),
                                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                                Sql.instant(rs, 10), Sql.instant(rs, 11), rs.getBoolean(12)));
                    }
                }
            }
            return rows;
        });
    }

    @Override
    public Map<String, Long> deleteRemovedSlices(String syncId) {
        return session.run("cannot delete removed slices after sync " + syncId, c -> {
            Map<String, Long> deleted = new java.util.LinkedHashMap<>();
            String source;
            String tables;
            try (PreparedStatement ps = c.prepareStatement("SELECT p.source, p.tables FROM " + PLANS + " p JOIN "
                    + SYNC_STATUS + " s ON s.sync_id = p.sync_id WHERE p.sync_id = ? AND s.complete"
                    + " AND NOT EXISTS (SELECT 1 FROM " + MANIFESTS + " m WHERE m.sync_id = p.sync_id"
                    + " AND m.write_mode <> 'replace')")) {
                ps.setString(1, syncId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return deleted;
                    }
                    source = rs.getString(1);
                    tables = rs.getString(2);
                }
            }
            for (String table : tables.split(",")) {
                dev.sliceflow.core.Identifiers.table(table);
                List<String[]> removed = new ArrayList<>();
                // slices of this table the sync did not refresh (state older than the sync) and did not fail
                try (PreparedStatement ps = c.prepareStatement("SELECT st.account, st.region FROM " + STATE + " st"
                        + " WHERE st.source = ? AND st.table_name = ? AND st.last_sync_id <> ?"
                        + " AND st.last_sync_time < (SELECT sync_time FROM " + PLANS + " WHERE sync_id = ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM " + LOADS + " l WHERE l.sync_id = ? AND l.table_name ="
                        + " st.table_name AND l.account = st.account AND l.region = st.region)")) {
                    ps.setString(1, source);
                    ps.setString(2, table);
                    ps.setString(3, syncId);
                    ps.setString(4, syncId);
                    ps.setString(5, syncId);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            removed.add(new String[] {rs.getString(1), rs.getString(2)});
                        }
                    }
                }
                for (String[] slice : removed) {
                    long rows;
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + Sql.quote(table)
                            + " WHERE _source = ? AND _account = ? AND _region = ?")) {
                        ps.setString(1, source);
                        ps.setString(2, slice[0]);
                        ps.setString(3, slice[1]);
                        rows = ps.executeUpdate();
                    }
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + STATE
                            + " WHERE source = ? AND table_name = ? AND account = ? AND region = ?")) {
                        ps.setString(1, source);
                        ps.setString(2, table);
                        ps.setString(3, slice[0]);
                        ps.setString(4, slice[1]);
                        ps.executeUpdate();
                    }
                    deleted.put(table + " " + slice[0] + " " + slice[1], rows);
                }
            }
            return deleted;
        });
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.lake.SliceState.ManifestRef;
import dev.sliceflow.lake.SliceState.Slice;
import dev.sliceflow.lake.SliceState.SliceKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The lake's tables as DuckDB views, for tests and for local mode's {@code sliceflow query} / {@code status}: each
 * table's current snapshot, read with DuckDB's own Parquet reader ({@code read_parquet} with each row's file name and
 * row number) minus the rows its position-delete files name. So what the views show is what any engine reading the
 * Iceberg metadata shows, computed by code that is not the code that wrote it. Plain java.sql: no DuckDB classes.
 *
 * <p>Beside the data tables: {@code _sliceflow_loads} (deduplicated), {@code _sliceflow_manifests} (one row per loaded
 * manifest, from the loads), {@code _sliceflow_rejects}, {@code _sliceflow_plans} (first plan per sync),
 * {@code _sliceflow_state} (from the tables' slice states) and {@code _sliceflow_sync_status}, the SQL warehouses'
 * view over them.
 */
public final class LakeViews {
    /** Where DuckDB can read a file of the lake: a local path for an {@code s3://} location. */
    @FunctionalInterface
    public interface FileLocator {
        String local(String location);
    }

    private LakeViews() {
    }

    /**
     * A locator for an s3proxy filesystem blob store (local mode): {@code s3://bucket/key} is
     * {@code <basedir>/bucket/key}.
     */
    public static FileLocator blobStore(Path basedir) {
        return location -> {
            String rest = location.replaceFirst("^s3a?://", "");
            return basedir.resolve(rest).toAbsolutePath().toString();
        };
    }

    /** A locator that downloads each file once into {@code dir} through the table's FileIO. */
    public static FileLocator downloading(FileIO io, Path dir) {
        Map<String, String> cache = new ConcurrentHashMap<>();
        return location -> cache.computeIfAbsent(location, l -> {
            Path target = dir.resolve(sha256(l) + ".parquet");
            if (!Files.exists(target)) {
                try (InputStream in = io.newInputFile(l).newStream()) {
                    Files.createDirectories(dir);
                    Path tmp = Files.createTempFile(dir, "download", ".tmp");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot download " + l, e);
                }
            }
            return target.toAbsolutePath().toString();
        });
    }

    /** Creates (or replaces) a view for every table of {@code namespace}, and sliceflow's bookkeeping views. */
    public static void create(Connection duck, Catalog catalog, Namespace namespace, FileLocator files)
            throws SQLException {
        Map<String, Table> tables = new LinkedHashMap<>();
        for (TableIdentifier id : catalog.listTables(namespace)) {
            tables.put(id.name(), catalog.loadTable(id));
        }
        List<String> stateRows = new ArrayList<>();
        try (Statement st = duck.createStatement()) {
            for (Map.Entry<String, Table> e : tables.entrySet()) {
                String name = e.getKey();
                String relation = relation(e.getValue(), files);
                switch (name) {
                    case LakeLedger.LOADS -> st.execute("CREATE OR REPLACE VIEW " + quote(name) + " AS SELECT * EXCLUDE"
                            + " (nth) FROM (SELECT *, row_number() OVER (PARTITION BY manifest_key, manifest_sha256,"
                            + " table_name ORDER BY loaded_at) AS nth FROM " + relation + ") WHERE nth = 1");
                    case LakeLedger.PLANS -> st.execute("CREATE OR REPLACE VIEW " + quote(name) + " AS SELECT * EXCLUDE"
                            + " (nth) FROM (SELECT *, row_number() OVER (PARTITION BY sync_id ORDER BY recorded_at) AS"
                            + " nth FROM " + relation + ") WHERE nth = 1");
                    default -> st.execute("CREATE OR REPLACE VIEW " + quote(name) + " AS SELECT * FROM " + relation);
                }
                if (!name.startsWith("_sliceflow") && e.getValue().currentSnapshot() != null) {
                    SliceState state = StateStore.read(e.getValue(), e.getValue().currentSnapshot());
                    for (Map.Entry<SliceKey, Slice> s : state.slices().entrySet()) {
                        List<ManifestRef> manifests = s.getValue().manifests();
                        stateRows.add("(" + literal(s.getKey().source()) + ", " + literal(name) + ", "
                                + literal(s.getKey().account()) + ", " + literal(s.getKey().region()) + ", "
                                + literal(s.getValue().syncId()) + ", CAST(" + literal(s.getValue().syncTime().toString())
                                + " AS TIMESTAMPTZ), " + (manifests.isEmpty() ? "NULL"
                                : literal(manifests.get(manifests.size() - 1).key())) + ")");
                    }
                }
            }
            for (Map.Entry<String, org.apache.iceberg.Schema> missing : Map.of(
                    LakeLedger.LOADS, LakeLedger.LOADS_SCHEMA, LakeLedger.PLANS, LakeLedger.PLANS_SCHEMA,
                    LakeLedger.REJECTS, LakeLedger.REJECTS_SCHEMA,
                    LakeLedger.LOAD_ERRORS, LakeLedger.LOAD_ERRORS_SCHEMA).entrySet()) {
                if (!tables.containsKey(missing.getKey())) {
                    st.execute("CREATE OR REPLACE VIEW " + quote(missing.getKey()) + " AS " + empty(missing.getValue()));
                }
            }
            st.execute("CREATE OR REPLACE VIEW _sliceflow_manifests AS SELECT manifest_key, manifest_sha256,"
                    + " any_value(sync_id) AS sync_id, min(sync_time) AS sync_time, any_value(source) AS source,"
                    + " any_value(account) AS account, any_value(region) AS region, min(seq) AS seq,"
                    + " bool_or(is_last) AS is_last, any_value(write_mode) AS write_mode, count(*) AS table_count,"
                    + " sum(row_count) AS row_count, min(loaded_at) AS loaded_at FROM _sliceflow_loads"
                    + " GROUP BY manifest_key, manifest_sha256");
            // the SQL warehouses' view: the last error per key, unless the manifest loaded or was rejected since
            st.execute("CREATE OR REPLACE VIEW _sliceflow_failing_loads AS WITH e AS (SELECT manifest_key,"
                    + " arg_max(manifest_sha256, failed_at) AS manifest_sha256, arg_max(error, failed_at) AS error,"
                    + " count(*) AS attempts, min(failed_at) AS first_failed_at, max(failed_at) AS last_failed_at"
                    + " FROM " + quote(LakeLedger.LOAD_ERRORS) + " GROUP BY manifest_key)"
                    + " SELECT * FROM e WHERE NOT EXISTS (SELECT 1 FROM _sliceflow_manifests m"
                    + " WHERE m.manifest_key = e.manifest_key"
                    + " AND (m.manifest_sha256 = e.manifest_sha256 OR m.loaded_at >= e.last_failed_at))"
                    + " AND NOT EXISTS (SELECT 1 FROM _sliceflow_rejects r WHERE r.manifest_key = e.manifest_key"
                    + " AND r.rejected_at >= e.last_failed_at)");
            st.execute("CREATE OR REPLACE VIEW _sliceflow_state AS " + (stateRows.isEmpty()
                    ? "SELECT CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS table_name,"
                    + " CAST(NULL AS VARCHAR) AS account, CAST(NULL AS VARCHAR) AS region,"
                    + " CAST(NULL AS VARCHAR) AS last_sync_id, CAST(NULL AS TIMESTAMPTZ) AS last_sync_time,"
                    + " CAST(NULL AS VARCHAR) AS last_manifest_key WHERE false"
                    : "SELECT * FROM (VALUES " + String.join(", ", stateRows) + ") AS s (source, table_name, account,"
                    + " region, last_sync_id, last_sync_time, last_manifest_key)"));
            st.execute(SYNC_STATUS_VIEW);
        }
    }

    /**
     * The SQL warehouses' {@code _sliceflow_sync_status} (function's SqlLedger), over the views above; the same query
     * runs in Athena over the lake's tables (docs/lake.md).
     */
    static final String SYNC_STATUS_VIEW = "CREATE OR REPLACE VIEW _sliceflow_sync_status AS"
            + " WITH slices AS (SELECT sync_id, account, region, bool_or(is_last) AS has_last,"
            + "   max(CASE WHEN is_last THEN seq END) AS last_seq, count(DISTINCT seq) AS seqs"
            + "   FROM _sliceflow_manifests GROUP BY sync_id, account, region),"
            + " loaded AS (SELECT sync_id, count(*) FILTER (WHERE has_last AND seqs = last_seq + 1) AS slices_loaded"
            + "   FROM slices GROUP BY sync_id),"
            + " m AS (SELECT sync_id, min(sync_time) AS sync_time, count(DISTINCT manifest_key) AS manifests,"
            + "   min(loaded_at) AS first_loaded_at, max(loaded_at) AS last_loaded_at FROM _sliceflow_manifests"
            + "   GROUP BY sync_id),"
            + " latest AS (SELECT sync_id, status, row_count, row_number() OVER (PARTITION BY sync_id, source,"
            + "   account, region, table_name ORDER BY loaded_at DESC, seq DESC, manifest_sha256 DESC) AS nth"
            + "   FROM _sliceflow_loads),"
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
            + " FROM _sliceflow_plans p FULL OUTER JOIN m ON p.sync_id = m.sync_id"
            + " LEFT JOIN loaded l ON l.sync_id = coalesce(p.sync_id, m.sync_id)"
            + " LEFT JOIN t ON t.sync_id = coalesce(p.sync_id, m.sync_id)";

    /**
     * A parenthesised relation: the table's current snapshot, every column cast to its DuckDB type (columns a file
     * lacks, added later, are NULL), without the rows its position deletes name.
     */
    static String relation(Table table, FileLocator files) throws SQLException {
        org.apache.iceberg.Schema schema = table.schema();
        Snapshot snapshot = table.currentSnapshot();
        List<String> casts = new ArrayList<>();
        for (Types.NestedField field : schema.columns()) {
            casts.add("CAST(d." + quote(field.name()) + " AS " + duckType(field.type()) + ") AS " + quote(field.name()));
        }
        if (snapshot == null) {
            return "(" + empty(schema) + ")";
        }
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> deletes = new LinkedHashMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
            for (FileScanTask task : tasks) {
                data.putIfAbsent(task.file().location(), files.local(task.file().location()));
                for (DeleteFile delete : task.deletes()) {
                    if (delete.content() != FileContent.POSITION_DELETES) {
                        throw new SQLException("table " + table.name() + " has equality deletes (" + delete.location()
                                + "), which these views do not apply");
                    }
                    deletes.putIfAbsent(delete.location(), files.local(delete.location()));
                }
            }
        } catch (IOException e) {
            throw new SQLException("cannot plan a scan of table " + table.name() + ": " + e.getMessage(), e);
        }
        if (data.isEmpty()) {
            return "(" + empty(schema) + ")";
        }
        List<String> mapping = new ArrayList<>();
        data.forEach((location, local) -> mapping.add("(" + literal(local) + ", " + literal(location) + ")"));
        String read = "(" + empty(schema) + ") UNION ALL BY NAME (SELECT * FROM read_parquet(" + list(data.values())
                + ", filename = true, file_row_number = true, union_by_name = true))";
        StringBuilder sql = new StringBuilder("(SELECT ").append(String.join(", ", casts)).append(" FROM (")
                .append(read).append(") d JOIN (VALUES ").append(String.join(", ", mapping))
                .append(") AS m (local_path, location) ON m.local_path = d.filename");
        if (!deletes.isEmpty()) {
            sql.append(" WHERE NOT EXISTS (SELECT 1 FROM read_parquet(").append(list(deletes.values()))
                    .append(") x WHERE x.file_path = m.location AND x.pos = d.file_row_number)");
        }
        return sql.append(")").toString();
    }

    /** No rows, every column typed: what a table without data reads as. */
    private static String empty(org.apache.iceberg.Schema schema) {
        List<String> columns = new ArrayList<>();
        for (Types.NestedField field : schema.columns()) {
            columns.add("CAST(NULL AS " + duckType(field.type()) + ") AS " + quote(field.name()));
        }
        return "SELECT " + String.join(", ", columns) + " WHERE false";
    }

    static String duckType(Type type) {
        return switch (type.typeId()) {
            case STRING -> "VARCHAR";
            case LONG -> "BIGINT";
            case INTEGER -> "INTEGER";
            case DOUBLE -> "DOUBLE";
            case FLOAT -> "FLOAT";
            case BOOLEAN -> "BOOLEAN";
            case DATE -> "DATE";
            case DECIMAL -> "DECIMAL(" + ((Types.DecimalType) type).precision() + ", "
                    + ((Types.DecimalType) type).scale() + ")";
            case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? "TIMESTAMPTZ" : "TIMESTAMP";
            default -> "VARCHAR";
        };
    }

    private static String list(java.util.Collection<String> paths) {
        List<String> quoted = new ArrayList<>();
        paths.forEach(p -> quoted.add(literal(p)));
        return "[" + String.join(", ", quoted) + "]";
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Names come from Iceberg schemas that sliceflow created from validated identifiers; quoted all the same. */
    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

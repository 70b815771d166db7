package dev.sliceflow.warehouse;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** The names and spelling every SQL warehouse shares: sliceflow's tables, metadata columns, quoting. */
public final class Sql {
    /** The metadata columns every loaded table gets, after its own columns. */
    public static final List<String> METADATA_COLUMNS = dev.sliceflow.manifest.ManifestCodec.RESERVED_COLUMNS;
    public static final String MANIFESTS = "_sliceflow_manifests";
    public static final String LOADS = "_sliceflow_loads";
    public static final String STATE = "_sliceflow_state";
    public static final String REJECTS = "_sliceflow_rejects";
    public static final String PLANS = "_sliceflow_plans";
    public static final String SYNC_STATUS = "_sliceflow_sync_status";
    public static final String LOAD_ERRORS = "_sliceflow_load_errors";
    public static final String FAILING_LOADS = "_sliceflow_failing_loads";

    private Sql() {
    }

    /**
     * A double-quoted identifier. Only names that match sliceflow's patterns get here; the check is repeated so that
     * no code path can quote a hostile name.
     */
    public static String quote(String identifier) {
        if (!Identifiers.COLUMN.matcher(identifier).matches()) {
            throw new InvalidInputException("refusing identifier " + Identifiers.printable(identifier));
        }
        return '"' + identifier + '"';
    }

    /** A syncTime as the CSV dialect and the SQL casts spell it: 2024-01-02T03:04:05.123456Z. */
    public static String timestamp(Instant instant) {
        return CsvDialect.encode(ColumnType.TIMESTAMP, instant);
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** The quoted column list of a load: the manifest's columns in CSV order, then the metadata columns. */
    public static String columnList(TableSchema schema) {
        List<String> names = new ArrayList<>();
        for (Column column : schema.columns()) {
            names.add(quote(column.name()));
        }
        for (String meta : METADATA_COLUMNS) {
            names.add(quote(meta));
        }
        return String.join(", ", names);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

package dev.sliceflow.metrics;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The functions' metrics in CloudWatch Embedded Metric Format: each call writes one JSON line that CloudWatch Logs
 * turns into metrics in the {@value #NAMESPACE} namespace (the stack's dashboard reads them). No client, no
 * dependency, no network: a line on stdout, which Lambda sends to the function's log group.
 * <p>
 * Dimensions stay low-cardinality: {@code Function} (the function's name) on every metric, and {@code Table} as a
 * second dimension set on per-table metrics, so each is published both per function and per (function, table).
 * Sync id, account and region are properties of the line (searchable in Logs Insights), never dimensions: a
 * dimension value per sync or account would make a new metric each time.
 * <p>
 * Metric names (keep the dashboard, infra-cdk's SyncDashboard, in step):
 * <ul>
 *   <li>worker, per table: Rows, Bytes, Parts (Count/Bytes/Count), TableSeconds, FailedTables (1 when the table
 *   failed);</li>
 *   <li>worker, per slice: SlicesCommitted, SliceSeconds;</li>
 *   <li>planner: SlicesEnqueued;</li>
 *   <li>loader, per batch: ManifestsLoaded, RowsLoaded, LoadSeconds, ManifestsRejected, ManifestsStale.</li>
 * </ul>
 */
public final class Metrics {
    /** The CloudWatch namespace of every metric; the stack's dashboard reads this one. */
    public static final String NAMESPACE = "Sliceflow";
    /** The dimension every metric carries: the function's name. */
    public static final String FUNCTION = "Function";
    /** The second dimension of per-table metrics. */
    public static final String TABLE = "Table";

    private static final Metrics NONE = new Metrics(line -> { }, Clock.systemUTC());

    private final Consumer<String> out;
    private final Clock clock;

    Metrics(Consumer<String> out, Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    /** One line per call on this stream: what a function in Lambda uses (stdout goes to its log group). */
    public static Metrics to(PrintStream stream) {
        return new Metrics(stream::println, Clock.systemUTC());
    }

    /** Metrics that go nowhere: local mode and tests, where nothing reads EMF. */
    public static Metrics none() {
        return NONE;
    }

    /**
     * One table of a slice, synced (or failed) by the worker.
     *
     * @param where    the slice: sync id, account, region (properties, not dimensions)
     * @param failed   whether the table failed (its rows, bytes and parts are then 0)
     */
    public void table(String function, Slice where, String table, long rows, long bytes, int parts, Duration took,
                      boolean failed) {
        List<Metric> metrics = List.of(
                Metric.count("Rows", rows), Metric.bytes("Bytes", bytes), Metric.count("Parts", parts),
                Metric.seconds("TableSeconds", took), Metric.count("FailedTables", failed ? 1 : 0));
        emit(List.of(List.of(FUNCTION), List.of(FUNCTION, TABLE)), metrics, dimensions(function, table),
                where.properties());
    }

    /** A slice committed by the worker (its manifest written), with how long the attempt took. */
    public void sliceCommitted(String function, Slice where, int tables, int failedTables, Duration took) {
        Map<String, Object> properties = where.properties();
        properties.put("tables", tables);
        properties.put("failedTables", failedTables);
        emit(List.of(List.of(FUNCTION)), List.of(Metric.count("SlicesCommitted", 1),
                Metric.seconds("SliceSeconds", took)), dimensions(function, null), properties);
    }

    /** Slices the planner sent to the sync queue for one sync (0 when a retry found them already sent). */
    public void slicesEnqueued(String function, String syncId, long slices) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("syncId", syncId);
        emit(List.of(List.of(FUNCTION)), List.of(Metric.count("SlicesEnqueued", slices)),
                dimensions(function, null), properties);
    }

    /**
     * One loader invocation (a batch of manifest notifications), for the loader to call once it has handled the
     * batch: {@code metrics.loaded(context.getFunctionName(), loaded, rows, took, rejected, stale)}.
     *
     * @param manifests manifests loaded (committed to the warehouse)
     * @param rows      rows those manifests added
     * @param took      the batch's wall time
     * @param rejected  manifests rejected (recorded, sent to the load DLQ)
     * @param stale     manifests skipped as older than what is loaded
     */
    public void loaded(String function, long manifests, long rows, Duration took, long rejected, long stale) {
        emit(List.of(List.of(FUNCTION)), List.of(Metric.count("ManifestsLoaded", manifests),
                Metric.count("RowsLoaded", rows), Metric.seconds("LoadSeconds", took),
                Metric.count("ManifestsRejected", rejected), Metric.count("ManifestsStale", stale)),
                dimensions(function, null), new LinkedHashMap<>());
    }

    /**
     * One reconciler run: manifests found committed beyond the grace period and never settled (lost load events), and
     * the load events it sent again. Above zero means events were lost: worth a look, not a page.
     */
    public void reconciled(String function, long waiting, long resent) {
        emit(List.of(List.of(FUNCTION)), List.of(Metric.count("ManifestsWaiting", waiting),
                Metric.count("LoadEventsResent", resent)), dimensions(function, null), new LinkedHashMap<>());
    }

    /** Where a slice's metrics come from: properties of every line about it. */
    public record Slice(String syncId, String account, String region) {
        Map<String, Object> properties() {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("syncId", syncId);
            p.put("account", account);
            p.put("region", region);
            return p;
        }
    }

    /** A value and its CloudWatch unit. */
    record Metric(String name, double value, String unit) {
        static Metric count(String name, long value) {
            return new Metric(name, value, "Count");
        }

        static Metric bytes(String name, long value) {
            return new Metric(name, value, "Bytes");
        }

        static Metric seconds(String name, Duration value) {
            return new Metric(name, value.toNanos() / 1e9, "Seconds");
        }
    }

    private static Map<String, String> dimensions(String function, String table) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(FUNCTION, function == null || function.isBlank() ? "unknown" : function);
        if (table != null) {
            d.put(TABLE, table);
        }
        return d;
    }

    /** Writes the EMF line: {"_aws": {...}, dimension members, metric members, property members}. */
    private void emit(List<List<String>> dimensionSets, List<Metric> metrics, Map<String, String> dimensions,
                      Map<String, Object> properties) {
        StringBuilder json = new StringBuilder(256);
        json.append("{\"_aws\":{\"Timestamp\":").append(clock.millis()).append(",\"CloudWatchMetrics\":[{")
                .append("\"Namespace\":").append(quote(NAMESPACE)).append(",\"Dimensions\":[");
        List<String> sets = new ArrayList<>();
        for (List<String> set : dimensionSets) {
            sets.add("[" + String.join(",", set.stream().map(Metrics::quote).toList()) + "]");
        }
        json.append(String.join(",", sets)).append("],\"Metrics\":[");
        List<String> definitions = new ArrayList<>();
        for (Metric metric : metrics) {
            definitions.add("{\"Name\":" + quote(metric.name()) + ",\"Unit\":" + quote(metric.unit()) + "}");
        }
        json.append(String.join(",", definitions)).append("]}]}");
        dimensions.forEach((k, v) -> json.append(',').append(quote(k)).append(':').append(quote(v)));
        for (Metric metric : metrics) {
            json.append(',').append(quote(metric.name())).append(':').append(number(metric.value()));
        }
        properties.forEach((k, v) -> json.append(',').append(quote(k)).append(':')
                .append(v instanceof Number n ? number(n.doubleValue()) : quote(String.valueOf(v))));
        out.accept(json.append('}').toString());
    }

    /** EMF needs finite numbers; whole values print without a fraction. */
    private static String number(double value) {
        if (!Double.isFinite(value)) {
            return "0";
        }
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value)
                : Double.toString(value);
    }

    /** A JSON string: quotes, backslashes and control characters escaped. */
    static String quote(String value) {
        StringBuilder s = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}

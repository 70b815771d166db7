package dev.sliceflow.loader;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sliceflow.metrics.Metrics;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.warehouse.Warehouse;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reconciler Lambda, invoked on a schedule (EventBridge; the event's content is not read): sends the load events
 * of manifests committed more than the grace period ago that the warehouse has not dealt with
 * ({@link Reconciler}). Returns what it found and sent, e.g. for an invocation by hand.
 */
public final class ReconcilerHandler implements RequestHandler<Map<String, Object>, Map<String, Object>>,
        AutoCloseable {
    private final Reconciler reconciler;
    private final AutoCloseable warehouse;
    private final Metrics metrics;

    /** For the Lambda runtime: reads the environment, once per container; metrics in EMF on stdout. */
    public ReconcilerHandler() {
        this(Settings.fromEnvironment(), Metrics.to(System.out));
    }

    /** For local mode and tests, which run this very handler with their own settings. */
    public ReconcilerHandler(Settings settings) {
        this(settings, Metrics.none());
    }

    private ReconcilerHandler(Settings settings, Metrics metrics) {
        this(CompositionRoot.warehouse(settings), settings, metrics);
    }

    private ReconcilerHandler(Warehouse warehouse, Settings settings, Metrics metrics) {
        this(CompositionRoot.reconciler(settings, warehouse, Clock.systemUTC()), warehouse, metrics);
    }

    ReconcilerHandler(Reconciler reconciler, AutoCloseable warehouse, Metrics metrics) {
        this.reconciler = reconciler;
        this.warehouse = warehouse;
        this.metrics = metrics;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Reconciler.Report report = reconciler.reconcile();
        metrics.reconciled(context == null ? null : context.getFunctionName(), report.waitingTotal(), report.resent());
        return summary(report);
    }

    /** The report as the function returns it: counts, and per sync the count and first keys. */
    public static Map<String, Object> summary(Reconciler.Report report) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("syncsChecked", report.syncsChecked());
        result.put("waiting", report.waitingTotal());
        result.put("resent", report.resent());
        List<Map<String, Object>> syncs = report.waiting().stream().map(w -> {
            Map<String, Object> sync = new LinkedHashMap<>();
            sync.put("syncId", w.syncId());
            sync.put("waiting", w.count());
            sync.put("firstKeys", w.firstKeys());
            return sync;
        }).toList();
        result.put("syncs", syncs);
        return result;
    }

    /** Lambda never calls this; local mode does, so DuckDB checkpoints. */
    @Override
    public void close() throws Exception {
        warehouse.close();
    }
}

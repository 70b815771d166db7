package dev.sliceflow.loader;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
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

    /** For the Lambda runtime: reads the environment, once per container. */
    public ReconcilerHandler() {
        this(Settings.fromEnvironment());
    }

    /** For local mode, which runs this very handler with its own settings. */
    public ReconcilerHandler(Settings settings) {
        this(CompositionRoot.warehouse(settings), settings);
    }

    private ReconcilerHandler(Warehouse warehouse, Settings settings) {
        this(CompositionRoot.reconciler(settings, warehouse, Clock.systemUTC()), warehouse);
    }

    ReconcilerHandler(Reconciler reconciler, AutoCloseable warehouse) {
        this.reconciler = reconciler;
        this.warehouse = warehouse;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return summary(reconciler.reconcile());
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

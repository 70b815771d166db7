package dev.sliceflow.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * A sync's life on one CloudWatch dashboard: slices enqueued (planner), committed (worker), loaded (loader) and
 * failed; worker and loader durations; rows and bytes; queue depths and ages. The slice, row and byte counts are the
 * functions' own metrics, which they write in CloudWatch Embedded Metric Format (namespace {@value #NAMESPACE},
 * dimension {@code Function}: dev.sliceflow.metrics in the function module); durations, depths and ages are
 * Lambda's and SQS's.
 */
public final class SyncDashboard extends Construct {
    /** The namespace of the functions' EMF metrics; keep in step with dev.sliceflow.metrics.Metrics. */
    public static final String NAMESPACE = "Sliceflow";
    private static final Duration PERIOD = Duration.minutes(1);

    /** What the dashboard shows; plannerName is the scheduled planner's function name (whether it exists or not). */
    public record Parts(String prefix, IFunction worker, IFunction loader, String plannerName, WorkQueue syncQueue,
                        WorkQueue loadQueue) {
    }

    private final Dashboard dashboard;

    public SyncDashboard(Construct scope, String id, Parts parts) {
        super(scope, id);
        String worker = parts.worker().getFunctionName();
        String loader = parts.loader().getFunctionName();
        List<IMetric> slices = new ArrayList<>();
        // Enqueued by the scheduled planner; `sliceflow enqueue` and hand-sent requests are not counted.
        slices.add(own("SlicesEnqueued", parts.plannerName(), "enqueued (planner)"));
        slices.add(own("SlicesCommitted", worker, "committed (worker)"));
        slices.add(own("ManifestsLoaded", loader, "loaded (loader)"));
        List<IMetric> failed = List.of(
                own("FailedTables", worker, "tables failed in the worker"),
                own("ManifestsRejected", loader, "manifests rejected"),
                own("ManifestsStale", loader, "manifests stale (older than what is loaded)"),
                sum(parts.syncQueue().deadLetterQueue().metricNumberOfMessagesReceived(), "sync dead letters"),
                sum(parts.loadQueue().deadLetterQueue().metricNumberOfMessagesReceived(), "load dead letters"));

        List<IWidget> row1 = List.of(
                graph("Slices", 12, slices),
                graph("Failures", 12, failed));
        List<IWidget> row2 = List.of(
                graph("Worker duration (ms)", 8, List.of(
                        stat(parts.worker().metricDuration(), "Average", "average"),
                        stat(parts.worker().metricDuration(), "Maximum", "maximum"))),
                graph("Loader duration (ms)", 8, List.of(
                        stat(parts.loader().metricDuration(), "Average", "average"),
                        stat(parts.loader().metricDuration(), "Maximum", "maximum"))),
                graph("Seconds per slice / per load", 8, List.of(
                        ownStat("SliceSeconds", worker, "Average", "worker, per slice"),
                        ownStat("LoadSeconds", loader, "Average", "loader, per batch"))));
        List<IWidget> row3 = List.of(
                graph("Rows", 8, List.of(
                        own("Rows", worker, "written (worker)"),
                        own("RowsLoaded", loader, "loaded (loader)"))),
                graph("Bytes staged (worker)", 8, List.of(own("Bytes", worker, "bytes"))),
                graph("Parts staged (worker)", 8, List.of(own("Parts", worker, "parts"))));
        List<IWidget> row4 = List.of(
                graph("Queue depth", 12, List.of(
                        max(parts.syncQueue().queue().metricApproximateNumberOfMessagesVisible(), "sync visible"),
                        max(parts.syncQueue().queue().metricApproximateNumberOfMessagesNotVisible(), "sync in flight"),
                        max(parts.loadQueue().queue().metricApproximateNumberOfMessagesVisible(), "load visible"),
                        max(parts.loadQueue().queue().metricApproximateNumberOfMessagesNotVisible(), "load in flight"),
                        max(parts.syncQueue().deadLetterQueue().metricApproximateNumberOfMessagesVisible(),
                                "sync DLQ"),
                        max(parts.loadQueue().deadLetterQueue().metricApproximateNumberOfMessagesVisible(),
                                "load DLQ"))),
                graph("Age of oldest message (s)", 12, List.of(
                        max(parts.syncQueue().queue().metricApproximateAgeOfOldestMessage(), "sync"),
                        max(parts.loadQueue().queue().metricApproximateAgeOfOldestMessage(), "load"),
                        max(parts.syncQueue().deadLetterQueue().metricApproximateAgeOfOldestMessage(), "sync DLQ"),
                        max(parts.loadQueue().deadLetterQueue().metricApproximateAgeOfOldestMessage(),
                                "load DLQ"))));

        dashboard = Dashboard.Builder.create(this, "Dashboard")
                .dashboardName(parts.prefix())
                .widgets(List.of(
                        List.of(TextWidget.Builder.create().width(24).height(2).markdown(
                                "## " + parts.prefix() + ": a sync's life\n"
                                        + "Slices enqueued, committed, loaded; then what failed. The counts are the"
                                        + " functions' own metrics (namespace " + NAMESPACE + "); see"
                                        + " docs/operations.md.").build()),
                        row1, row2, row3, row4))
                .build();
    }

    public Dashboard dashboard() {
        return dashboard;
    }

    private static GraphWidget graph(String title, int width, List<IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(metrics).width(width).height(6).build();
    }

    /** One of the functions' EMF metrics, summed per minute. */
    private static IMetric own(String name, String function, String label) {
        return ownStat(name, function, "Sum", label);
    }

    private static IMetric ownStat(String name, String function, String statistic, String label) {
        return Metric.Builder.create().namespace(NAMESPACE).metricName(name)
                .dimensionsMap(Map.of("Function", function)).statistic(statistic).period(PERIOD).label(label)
                .build();
    }

    private static IMetric sum(Metric metric, String label) {
        return stat(metric, "Sum", label);
    }

    private static IMetric max(Metric metric, String label) {
        return stat(metric, "Maximum", label);
    }

    private static IMetric stat(Metric metric, String statistic, String label) {
        return metric.with(MetricOptions.builder().statistic(statistic).period(PERIOD).label(label).build());
    }
}

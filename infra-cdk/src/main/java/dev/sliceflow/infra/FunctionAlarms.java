package dev.sliceflow.infra;

import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * A function's own alarms, each notifying the alarm topic (the metrics cover every version and alias):
 * <ul>
 *   <li>Errors: an invocation failed as a whole (an exception out of the handler, a timeout, an init failure): the
 *   handlers report per-message failures as batch item failures, so this is never routine;</li>
 *   <li>Throttles: the account's or function's concurrency ran out (the event source caps keep it below that);</li>
 *   <li>Duration near the timeout: the longest invocation in 5 minutes passed {@code nearTimeout}, so a slightly
 *   bigger input would be killed mid-way.</li>
 * </ul>
 */
public final class FunctionAlarms extends Construct {
    private static final Duration PERIOD = Duration.minutes(5);

    /**
     * @param name        the function's name, which the alarm names start with
     * @param timeout     the function's timeout, for the description
     * @param nearTimeout the Duration (maximum) above which the function is close to being killed
     */
    public FunctionAlarms(Construct scope, String id, String name, IFunction function, Duration timeout,
                          Duration nearTimeout, ITopic topic) {
        super(scope, id);
        List<Alarm> alarms = List.of(
                alarm("Errors", function.metricErrors(), "Sum", 0, name + "-errors",
                        "Invocations of " + name + " failed as a whole (exception, timeout or init failure): read"
                                + " its log group /aws/lambda/" + name + " (docs/operations.md)."),
                alarm("Throttles", function.metricThrottles(), "Sum", 0, name + "-throttles",
                        "Invocations of " + name + " were throttled: the account's concurrency (or a reserved"
                                + " concurrency) is exhausted; the event source caps should keep it below that."),
                alarm("NearTimeout", function.metricDuration(), "Maximum", nearTimeout.toMilliseconds().intValue(),
                        name + "-near-timeout",
                        "An invocation of " + name + " ran longer than " + nearTimeout.toSeconds().intValue()
                                + " s of its " + timeout.toSeconds().intValue() + " s timeout: a bigger input would be"
                                + " killed. Raise the timeout or the memory, or send smaller slices or batches."));
        alarms.forEach(alarm -> alarm.addAlarmAction(new SnsAction(topic)));
    }

    /** 90% of the timeout: what counts as near for a function without a deadline of its own. */
    static Duration ninetyPercentOf(Duration timeout) {
        return Duration.millis(timeout.toMilliseconds().longValue() * 9 / 10);
    }

    private Alarm alarm(String id, Metric metric, String statistic, int threshold, String name, String description) {
        return metric.with(MetricOptions.builder().period(PERIOD).statistic(statistic).build())
                .createAlarm(this, id, CreateAlarmOptions.builder()
                        .alarmName(name)
                        .alarmDescription(description)
                        .threshold(threshold)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
    }
}

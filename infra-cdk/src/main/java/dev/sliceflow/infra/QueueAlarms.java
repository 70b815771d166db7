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
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The alarms that say a queue pair needs a human, each notifying the alarm topic:
 * <ul>
 *   <li>anything in the dead-letter queue (a message that failed five times, or that a handler rejected as
 *   permanently invalid);</li>
 *   <li>the queue's oldest message older than the configured age (its consumer is failing, throttled or capped too
 *   low);</li>
 *   <li>a dead letter about to be deleted unread (the not-empty alarm fired once, days ago, and stayed in alarm).</li>
 * </ul>
 * The last one cannot compare the DLQ's ApproximateAgeOfOldestMessage with the DLQ's retention: that age counts from
 * the move into the DLQ, while SQS deletes a dead letter {@code retention} after its original enqueue into the source
 * queue. The time between the two is at most the source queue's retention (a message older than that has expired
 * there, it is never dead-lettered), so a dead letter of DLQ age {@code a} has at least {@code DLQ retention - source
 * retention - a} left. The alarm fires at {@code a > DLQ retention - source retention - warning}: then at least
 * {@link #DLQ_EXPIRY_WARNING} is left, however long the message spent in the source queue.
 */
public final class QueueAlarms extends Construct {
    static final Duration DLQ_EXPIRY_WARNING = Duration.days(3);

    public QueueAlarms(Construct scope, String id, WorkQueue queue, Duration maxAge, ITopic topic) {
        super(scope, id);
        String name = queue.name();
        List<Alarm> alarms = List.of(
                deadLetters(this, "DeadLetters", queue.deadLetterQueue(), name + "-dlq-not-empty",
                        "Messages in the dead-letter queue of " + name + ": read them, fix the cause, then redrive"
                                + " (docs/operations.md#redrive-a-dead-letter-queue)."),
                alarm("OldestMessage", queue.queue().metricApproximateAgeOfOldestMessage(),
                        Duration.minutes(5), maxAge.toSeconds().intValue(), name + "-oldest-message",
                        "The oldest message in " + name + " is older than " + maxAge.toMinutes().intValue()
                                + " minutes: its consumer is failing, throttled or capped too low."),
                alarm("DeadLettersExpiring", queue.deadLetterQueue().metricApproximateAgeOfOldestMessage(),
                        Duration.minutes(5), expiringThresholdSeconds(WorkQueue.QUEUE_RETENTION),
                        name + "-dlq-expiring",
                        "A message in the dead-letter queue of " + name + " may be deleted unread within "
                                + DLQ_EXPIRY_WARNING.toDays().intValue()
                                + " days: redrive or save it now (docs/operations.md)."));
        alarms.forEach(alarm -> alarm.addAlarmAction(new SnsAction(topic)));
    }

    /**
     * The DLQ age (since the move) beyond which a dead letter may have less than {@link #DLQ_EXPIRY_WARNING} left:
     * DLQ retention minus the longest the message can have spent in the source queue, minus the warning.
     */
    static int expiringThresholdSeconds(Duration sourceRetention) {
        return WorkQueue.DLQ_RETENTION.toSeconds().intValue() - sourceRetention.toSeconds().intValue()
                - DLQ_EXPIRY_WARNING.toSeconds().intValue();
    }

    /** Anything visible in a dead-letter queue, for one minute: someone must look. */
    static Alarm deadLetters(Construct scope, String id, IQueue deadLetterQueue, String name, String description) {
        return maximum(scope, id, deadLetterQueue.metricApproximateNumberOfMessagesVisible(), Duration.minutes(1), 0,
                name, description);
    }

    private Alarm alarm(String id, Metric metric, Duration period, int threshold, String name, String description) {
        return maximum(this, id, metric, period, threshold, name, description);
    }

    private static Alarm maximum(Construct scope, String id, Metric metric, Duration period, int threshold,
                                 String name, String description) {
        return metric.with(MetricOptions.builder().period(period).statistic("Maximum").build())
                .createAlarm(scope, id, CreateAlarmOptions.builder()
                        .alarmName(name)
                        .alarmDescription(description)
                        .threshold(threshold)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
    }
}

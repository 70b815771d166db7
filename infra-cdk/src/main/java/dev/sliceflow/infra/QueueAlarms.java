package dev.sliceflow.infra;

import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The alarms that say a queue pair needs a human, notifying the topic when one is configured:
 * <ul>
 *   <li>anything in the dead-letter queue (a message that failed five times, or that a handler rejected as
 *   permanently invalid);</li>
 *   <li>the queue's oldest message older than the configured age (its consumer is failing, throttled or capped too
 *   low);</li>
 *   <li>the DLQ's oldest message within {@link #DLQ_EXPIRY_WARNING} of the DLQ's retention: it is about to be
 *   deleted unread (the not-empty alarm fired once, days ago, and stayed in alarm since).</li>
 * </ul>
 */
public final class QueueAlarms extends Construct {
    static final Duration DLQ_EXPIRY_WARNING = Duration.days(3);

    public QueueAlarms(Construct scope, String id, String queueName, WorkQueue queue, Duration maxAge,
                       Optional<ITopic> topic) {
        super(scope, id);
        int dlqWarningSeconds = WorkQueue.DLQ_RETENTION.toSeconds().intValue()
                - DLQ_EXPIRY_WARNING.toSeconds().intValue();
        List<Alarm> alarms = List.of(
                alarm("DeadLetters", queue.deadLetterQueue().metricApproximateNumberOfMessagesVisible(),
                        Duration.minutes(1), 0, queueName + "-dlq-not-empty",
                        "Messages in " + queueName + "-dlq: read them, fix the cause, then redrive (docs/deploy.md)."),
                alarm("OldestMessage", queue.queue().metricApproximateAgeOfOldestMessage(),
                        Duration.minutes(5), maxAge.toSeconds().intValue(), queueName + "-oldest-message",
                        "The oldest message in " + queueName + " is older than " + maxAge.toMinutes().intValue()
                                + " minutes: its consumer is failing, throttled or capped too low."),
                alarm("DeadLettersExpiring", queue.deadLetterQueue().metricApproximateAgeOfOldestMessage(),
                        Duration.minutes(5), dlqWarningSeconds, queueName + "-dlq-expiring",
                        "A message in " + queueName + "-dlq will be deleted unread within "
                                + DLQ_EXPIRY_WARNING.toDays().intValue() + " days: redrive or save it now."));
        topic.ifPresent(t -> alarms.forEach(alarm -> alarm.addAlarmAction(new SnsAction(t))));
    }

    private Alarm alarm(String id, Metric metric, Duration period, int threshold, String name, String description) {
        return metric.with(MetricOptions.builder().period(period).statistic("Maximum").build())
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

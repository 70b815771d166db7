package dev.sliceflow.infra;

import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The alarms that say a pipeline needs a human: anything in a dead-letter queue (a message that failed five times,
 * or that a handler rejected as permanently invalid), and a queue whose oldest message keeps getting older (the
 * consumer is failing, throttled or capped too low). They notify the topic when one is configured.
 */
public final class QueueAlarms extends Construct {

    public QueueAlarms(Construct scope, String id, String alarmPrefix, WorkQueue queue, Duration maxAge,
                       Optional<ITopic> topic) {
        super(scope, id);
        Alarm deadLetters = queue.deadLetterQueue().metricApproximateNumberOfMessagesVisible()
                .with(MetricOptions.builder()
                        .period(Duration.minutes(1)).statistic("Maximum").build())
                .createAlarm(this, "DeadLetters", CreateAlarmOptions
                        .builder()
                        .alarmName(alarmPrefix + "-dlq-not-empty")
                        .alarmDescription("Messages in " + alarmPrefix + "-dlq: read them, fix the cause, then redrive"
                                + " (docs/deploy.md).")
                        .threshold(0)
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
        Alarm oldest = queue.queue().metricApproximateAgeOfOldestMessage()
                .with(MetricOptions.builder()
                        .period(Duration.minutes(5)).statistic("Maximum").build())
                .createAlarm(this, "OldestMessage", CreateAlarmOptions
                        .builder()
                        .alarmName(alarmPrefix + "-oldest-message")
                        .alarmDescription("The oldest message in " + alarmPrefix + " is older than "
                                + maxAge.toMinutes().intValue() + " minutes: its consumer is failing, throttled or capped too"
                                + " low.")
                        .threshold(maxAge.toSeconds().intValue())
                        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                        .evaluationPeriods(1)
                        .treatMissingData(TreatMissingData.NOT_BREACHING)
                        .build());
        topic.ifPresent(t -> {
            deadLetters.addAlarmAction(new SnsAction(t));
            oldest.addAlarmAction(new SnsAction(t));
        });
    }
}

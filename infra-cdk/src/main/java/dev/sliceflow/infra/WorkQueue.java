package dev.sliceflow.infra;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * A queue that a Lambda consumes, with its dead-letter queue. SQS-managed encryption (S3 event notifications can
 * deliver to it without a key policy), TLS only, and a visibility timeout of at least six times the consumer's
 * timeout plus the batching window (AWS's guidance for Lambda event sources: a message is never redelivered while an
 * attempt still runs, including the retries of a throttled batch). After {@link #MAX_RECEIVE_COUNT} receives a
 * message moves to the DLQ, which keeps messages longer than the queue so that nothing expires before someone reads
 * it (SQS counts a dead letter's retention from its original enqueue, not from its move: see {@link QueueAlarms}).
 * <p>
 * No fixed queue names: CloudFormation generates them (with the stack name in them), so a destroy followed at once
 * by a deploy never fails on SQS's 60-second QueueDeletedRecently rule. The stack's outputs carry the URLs.
 */
public final class WorkQueue extends Construct {
    /** Receives before a message is dead-lettered: transient errors get four retries. */
    public static final int MAX_RECEIVE_COUNT = 5;
    /** Visibility timeout as a multiple of the consumer function's timeout. */
    public static final int VISIBILITY_TIMEOUT_FACTOR = 6;
    static final Duration QUEUE_RETENTION = Duration.days(4);
    static final Duration DLQ_RETENTION = Duration.days(14);

    private final String name;
    private final Queue queue;
    private final Queue deadLetterQueue;

    /**
     * @param queueName   what the queue is, for descriptions and alarms (not its SQS name)
     * @param batchWindow the consumer's batching window, added to the visibility timeout
     */
    public WorkQueue(Construct scope, String id, String queueName, Duration consumerTimeout, Duration batchWindow) {
        super(scope, id);
        this.name = queueName;
        deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(DLQ_RETENTION)
                .build();
        NagFindings.acknowledge(deadLetterQueue, "AwsSolutions-SQS3",
                "This queue is itself the dead-letter queue of " + queueName
                        + "; messages leave it only by an operator's redrive (docs/deploy.md).");
        queue = Queue.Builder.create(this, "Queue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(QUEUE_RETENTION)
                .visibilityTimeout(Duration.seconds(consumerTimeout.toSeconds().intValue() * VISIBILITY_TIMEOUT_FACTOR
                        + batchWindow.toSeconds().intValue()))
                .deadLetterQueue(DeadLetterQueue.builder().queue(deadLetterQueue).maxReceiveCount(MAX_RECEIVE_COUNT)
                        .build())
                .build();
    }

    /** What the queue is (e.g. sliceflow-sync): alarm names and descriptions use it. */
    public String name() {
        return name;
    }

    public Queue queue() {
        return queue;
    }

    public Queue deadLetterQueue() {
        return deadLetterQueue;
    }
}

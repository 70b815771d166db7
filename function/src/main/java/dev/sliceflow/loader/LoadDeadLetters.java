package dev.sliceflow.loader;

import dev.sliceflow.sqs.DeadLetterQueue;
import dev.sliceflow.sqs.SqsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Where the loader sends what can never load (SLICEFLOW_LOAD_DLQ_URL), with the reason. */
@FunctionalInterface
public interface LoadDeadLetters {
    /**
     * @param message the message as it came (its body goes to the DLQ unchanged, so a redrive replays it once the
     *                cause is fixed)
     * @param reason  why it cannot load
     */
    void send(SqsMessage message, String reason);

    /**
     * Sends to an SQS queue through the worker's and loader's one dead-letter writer: the body as it came, the reason
     * in the {@code sliceflow-error} message attribute.
     */
    static LoadDeadLetters sqs(SqsClient sqs, String queueUrl) {
        return new DeadLetterQueue(sqs, queueUrl, "sliceflow-loader")::send;
    }

    /** No DLQ configured: the rejection is logged (and in the warehouse's _sliceflow_rejects) only. */
    static LoadDeadLetters logOnly() {
        Logger log = LoggerFactory.getLogger(LoadDeadLetters.class);
        return (message, reason) -> log.error("rejected (no SLICEFLOW_LOAD_DLQ_URL configured): messageId={} {}",
                message.id(), reason);
    }
}

package dev.sliceflow.loader;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Where the loader sends what can never load (SLICEFLOW_LOAD_DLQ_URL), with the reason. */
@FunctionalInterface
public interface LoadDeadLetters {
    /**
     * @param body   the original message body (so a redrive replays it once the cause is fixed)
     * @param reason why it cannot load
     */
    void send(String body, String reason);

    /** Sends to an SQS queue: the body as it came, the reason in the {@code reason} message attribute. */
    static LoadDeadLetters sqs(SqsClient sqs, String queueUrl) {
        return (body, reason) -> sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)
                .messageAttributes(Map.of(
                        "reason", MessageAttributeValue.builder().dataType("String")
                                .stringValue(reason.length() > 4000 ? reason.substring(0, 4000) + "..." : reason).build(),
                        "rejectedBy", MessageAttributeValue.builder().dataType("String")
                                .stringValue("sliceflow-loader").build())));
    }

    /** No DLQ configured: the rejection is logged (and in the warehouse's _sliceflow_rejects) only. */
    static LoadDeadLetters logOnly() {
        Logger log = LoggerFactory.getLogger(LoadDeadLetters.class);
        return (body, reason) -> log.error("rejected (no SLICEFLOW_LOAD_DLQ_URL configured): {}", reason);
    }
}

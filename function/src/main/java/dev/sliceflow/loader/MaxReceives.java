package dev.sliceflow.loader;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Json;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The receives a load message gets before its queue's redrive policy moves it to the dead-letter queue
 * ({@code maxReceiveCount}), by the record's {@code eventSourceARN}: so that the loader can tell a message's last
 * receive and reject it with its reason instead of letting SQS move it without one.
 */
@FunctionalInterface
public interface MaxReceives {

    /** Empty when not known (no redrive policy, the queue cannot be asked, no event source). */
    OptionalInt of(String eventSourceArn);

    static MaxReceives unknown() {
        return arn -> OptionalInt.empty();
    }

    /**
     * Asks the queue (GetQueueUrl, GetQueueAttributes RedrivePolicy: what the event source mapping's role may do
     * already), once per queue and container, on first need.
     */
    static MaxReceives sqs(SqsClient sqs) {
        Logger log = LoggerFactory.getLogger(MaxReceives.class);
        Map<String, OptionalInt> known = new ConcurrentHashMap<>();
        return arn -> {
            if (arn == null || !arn.startsWith("arn:")) {
                return OptionalInt.empty();
            }
            OptionalInt cached = known.get(arn);
            if (cached != null) {
                return cached;
            }
            String a = arn;
            {
                String[] parts = a.split(":", 6);
                if (parts.length != 6 || !parts[2].equals("sqs")) {
                    return OptionalInt.empty();
                }
                try {
                    String url = sqs.getQueueUrl(b -> b.queueName(parts[5]).queueOwnerAWSAccountId(parts[4]))
                            .queueUrl();
                    String policy = sqs.getQueueAttributes(b -> b.queueUrl(url)
                            .attributeNames(QueueAttributeName.REDRIVE_POLICY)).attributes()
                            .get(QueueAttributeName.REDRIVE_POLICY);
                    JsonNode count = policy == null || policy.isBlank() ? null
                            : Json.mapper().readTree(policy).get("maxReceiveCount");
                    OptionalInt max = count == null ? OptionalInt.empty() : OptionalInt.of(count.asInt());
                    known.put(a, max);
                    return max;
                } catch (RuntimeException | java.io.IOException e) {
                    // not remembered: asked again on the next need
                    log.warn("cannot read the redrive policy of {} (a load that keeps timing out would reach its"
                            + " DLQ without a reason): {}", a, e.getMessage());
                    return OptionalInt.empty();
                }
            }
        };
    }
}

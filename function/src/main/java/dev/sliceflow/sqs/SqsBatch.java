package dev.sliceflow.sqs;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.core.Identifiers;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SQS event as a handler works through it: its messages, and the ones to retry, which become the partial batch
 * response (the event source mapping must enable ReportBatchItemFailures, or Lambda ignores it and deletes them all).
 *
 * <p>Why one class for the worker and the loader: both must read a null event (or null records) as an empty batch,
 * report a failure under its own message's id and no sibling's, and let an unexpected exception cost its message
 * only, never the batch. A handler that takes messages one at a time uses {@link #forEach}; one that gathers them
 * first and handles them together (the loader) takes {@link #messages} and reports each failure with
 * {@link #retry}. Safe to report from several threads.
 */
public final class SqsBatch {
    private static final Logger LOG = LoggerFactory.getLogger(SqsBatch.class);

    private final List<SqsMessage> messages;
    /** Ids of the messages to retry, in the order reported. */
    private final Set<String> retry = new LinkedHashSet<>();

    private SqsBatch(List<SqsMessage> messages) {
        this.messages = messages;
    }

    /** The batch of {@code event}: empty when the event or its records are null. */
    public static SqsBatch of(SQSEvent event) {
        return new SqsBatch(event == null || event.getRecords() == null ? List.of()
                : event.getRecords().stream().map(SqsMessage::of).toList());
    }

    public List<SqsMessage> messages() {
        return messages;
    }

    /**
     * Hands each message to {@code handler} in turn. A message whose handler throws is retried (logged with the
     * exception) and the next one is handled as if nothing had happened.
     */
    public void forEach(Consumer<SqsMessage> handler) {
        for (SqsMessage message : messages) {
            try {
                handler.accept(message);
            } catch (RuntimeException e) {
                report(message.id());
                LOG.warn("message will be retried: messageId={} receiveCount={} reason={}", message.id(),
                        message.receiveCount(), Identifiers.printable(String.valueOf(e.getMessage())), e);
            }
        }
    }

    /**
     * Reports {@code messageId} for a retry, once however often it is reported. It must be an id of this batch:
     * Lambda retries the whole batch for an id it did not deliver.
     */
    public void retry(String messageId, String reason) {
        report(messageId);
        LOG.warn("message will be retried: messageId={} reason={}", messageId, reason);
    }

    /** Reports every message for a retry: nothing of the batch is known to be done. */
    public void retryAll(String reason) {
        LOG.warn("batch of {} messages will be retried: {}", messages.size(), reason);
        messages.forEach(message -> report(message.id()));
    }

    /** The partial batch response: a failure per message to retry, in the order reported; none for the rest. */
    public synchronized SQSBatchResponse response() {
        return SQSBatchResponse.builder().withBatchItemFailures(retry.stream()
                .map(id -> SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build())
                .toList()).build();
    }

    private synchronized void report(String messageId) {
        retry.add(messageId);
    }
}

package dev.sliceflow.worker;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.metrics.Metrics;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.SyncRequestCodec;
import dev.sliceflow.sqs.DeadLetterQueue;
import dev.sliceflow.sqs.SqsBatch;
import dev.sliceflow.sqs.SqsMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Handles a batch of sync-queue messages, one slice each. Only transiently failed records are reported back to SQS;
 * permanently invalid ones go to the dead-letter queue at once and count as handled. The work directory is empty
 * before and after every record, so a warm container never carries files over.
 */
public final class SyncWorker {
    private static final Logger LOG = LoggerFactory.getLogger(SyncWorker.class);
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final SliceSyncer syncer;
    private final SqsClient sqs;
    private final Optional<String> syncQueueUrl;
    private final Optional<DeadLetterQueue> deadLetters;
    private final Path workDir;
    private final Duration deadlineMargin;
    private final Metrics metrics;
    private final Clock clock;

    public SyncWorker(SliceSyncer syncer, SqsClient sqs, Optional<String> syncQueueUrl, Optional<String> dlqUrl,
                      Path workDir, Duration deadlineMargin) {
        this(syncer, sqs, syncQueueUrl, dlqUrl, workDir, deadlineMargin, Clock.systemUTC());
    }

    /** @param clock the worker's clock, which a request's syncTime may not lie far ahead of */
    public SyncWorker(SliceSyncer syncer, SqsClient sqs, Optional<String> syncQueueUrl, Optional<String> dlqUrl,
                      Path workDir, Duration deadlineMargin, Clock clock) {
        this(syncer, sqs, syncQueueUrl, dlqUrl.map(url -> new DeadLetterQueue(sqs, url, "sliceflow-worker")), workDir,
                deadlineMargin, Metrics.none(), clock);
    }

    private SyncWorker(SliceSyncer syncer, SqsClient sqs, Optional<String> syncQueueUrl,
                       Optional<DeadLetterQueue> deadLetters, Path workDir, Duration deadlineMargin, Metrics metrics,
                       Clock clock) {
        this.syncer = syncer;
        this.sqs = sqs;
        this.syncQueueUrl = syncQueueUrl;
        this.deadLetters = deadLetters;
        this.workDir = workDir;
        this.deadlineMargin = deadlineMargin;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** This worker, writing its metrics (per table and per committed slice) to {@code metrics}. */
    public SyncWorker withMetrics(Metrics metrics) {
        return new SyncWorker(syncer, sqs, syncQueueUrl, deadLetters, workDir, deadlineMargin, metrics, clock);
    }

    public SQSBatchResponse handle(SQSEvent event, Context context) {
        Deadline deadline = Deadline.of(context, deadlineMargin);
        String function = context == null ? null : context.getFunctionName();
        SqsBatch batch = SqsBatch.of(event);
        batch.forEach(message -> process(message, deadline, function)
                .ifPresent(reason -> batch.retry(message.id(), reason)));
        return batch.response();
    }

    /**
     * Commits the message's slice, or dead-letters the message if it is invalid; any other failure is thrown, and the
     * batch retries the message.
     *
     * @return why SQS should retry it when it is invalid but cannot be dead-lettered; empty when it is done with
     */
    private Optional<String> process(SqsMessage message, Deadline deadline, String function) {
        String messageId = message.id();
        long started = System.nanoTime();
        clean();
        try {
            SyncRequest request = parse(message.body());
            String attempt = newAttempt(messageId);
            SliceResult result = syncer.sync(request, attempt, workDir, deadline);
            result.continuation().ifPresent(next -> enqueue(next, messageId));
            publish(function, request, result, Duration.ofNanos(System.nanoTime() - started));
            LOG.info("slice committed: messageId={} syncId={} account={} region={} seq={} tables={} rows={} manifest={}{}",
                    messageId, request.syncId(), request.account(), request.region(), request.seq(),
                    result.manifest().tables().size(), result.manifest().totalRows(), result.manifestKey(),
                    result.continuation().map(c -> " continuation=" + c.tables()).orElse(""));
            return Optional.empty();
        } catch (InvalidInputException e) {
            return deadLetter(message, e.getMessage());
        } finally {
            clean();
        }
    }

    /** One line per table and one for the slice; a committed slice's metrics never fail it. */
    private void publish(String function, SyncRequest request, SliceResult result, Duration took) {
        try {
            Metrics.Slice slice = new Metrics.Slice(request.syncId(), request.account(), request.region());
            int failed = 0;
            for (ManifestTable table : result.manifest().tables()) {
                boolean ok = table.status() == TableStatus.OK;
                failed += ok ? 0 : 1;
                metrics.table(function, slice, table.name(), table.rows(),
                        table.parts().stream().mapToLong(ManifestPart::bytes).sum(), table.parts().size(),
                        result.tableTimes().getOrDefault(table.name(), Duration.ZERO), !ok);
            }
            metrics.sliceCommitted(function, slice, result.manifest().tables().size(), failed, took);
        } catch (RuntimeException e) {
            LOG.warn("cannot write the slice's metrics: {}", e.toString());
        }
    }

    /** A request is valid by its format and, against this worker's clock, by its syncTime. */
    private SyncRequest parse(String body) {
        SyncRequest request = SyncRequestCodec.parse(body);
        try {
            request.requireSyncTimeNotAfter(clock.instant());
        } catch (InvalidInputException e) {
            throw new InvalidInputException("invalid sync request: " + e.getMessage(), e);
        }
        return request;
    }

    private Optional<String> deadLetter(SqsMessage message, String reason) {
        if (deadLetters.isEmpty()) {
            LOG.error("invalid sync request and no SLICEFLOW_SYNC_DLQ_URL; SQS redrive will move it: messageId={} "
                    + "reason={}", message.id(), reason);
            return Optional.of("invalid, and no SLICEFLOW_SYNC_DLQ_URL to send it to: " + reason);
        }
        try {
            deadLetters.get().send(message, reason);
        } catch (RuntimeException e) {
            return Optional.of("invalid, and cannot be sent to the dead-letter queue (" + e.getMessage() + "): "
                    + reason);
        }
        LOG.warn("invalid sync request sent to the dead-letter queue: messageId={} reason={}", message.id(), reason);
        return Optional.empty();
    }

    private void enqueue(SyncRequest continuation, String messageId) {
        String queueUrl = syncQueueUrl.orElseThrow(() -> new IllegalStateException(
                "a continuation is needed but SLICEFLOW_SYNC_QUEUE_URL is not set (messageId " + messageId + ")"));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(SyncRequestCodec.toJson(continuation)));
    }

    private void clean() {
        if (!Files.exists(workDir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(workDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (!path.equals(workDir)) {
                    Files.deleteIfExists(path);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot empty the work directory " + workDir, e);
        }
    }

    /**
     * A new attempt id. The generator is made per attempt and mixed with the message id and the clock: with SnapStart,
     * anything built at init (a shared random generator included) is cloned into every restored environment.
     */
    static String newAttempt(String messageId) {
        SecureRandom random = new SecureRandom();
        random.setSeed((messageId + System.nanoTime() + Thread.currentThread().threadId()).getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        char[] id = new char[12];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}

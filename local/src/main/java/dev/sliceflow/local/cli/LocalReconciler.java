package dev.sliceflow.local.cli;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Json;
import dev.sliceflow.loader.Reconciler;
import dev.sliceflow.loader.ReconcilerHandler;
import dev.sliceflow.local.runtime.EmbeddedSqs.QueueRef;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.runtime.CompositionRoot;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The reconciler ({@link Reconciler}) in local mode. {@code serve} runs it once at start-up, before the pollers start
 * (its queues start empty, so a manifest whose load event was lost when it stopped is loaded again), and then as a
 * function fed from the queue {@code <prefix>-reconcile}, the local stand-in for the stack's schedule: serve sends it
 * a request every {@code --reconcile-every} minutes, and {@code sliceflow reconcile} sends one with a reply queue and
 * prints the answer. That is how the command reaches DuckDB, which only the serve process may open while it runs.
 */
final class LocalReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(LocalReconciler.class);
    /** The function's mapping: one request at a time, a 5-minute timeout. */
    static final EventSourceMapping MAPPING = EventSourceMapping.of("sliceflow-reconciler", 1, 1,
            Duration.ofMinutes(5));
    /** The exported variable a running serve's reconcile requests go to. */
    static final String QUEUE_VARIABLE = "SLICEFLOW_RECONCILE_QUEUE_URL";

    private LocalReconciler() {
    }

    /**
     * Reconciles with no grace period: {@code serve} calls it before its pollers start, when its queues are new and
     * empty, so no load event is on its way and every committed manifest the warehouse has not settled was lost.
     */
    static Reconciler.Report atStartUp(Settings settings) {
        try (Warehouse warehouse = CompositionRoot.warehouse(settings)) {
            return reconciler(settings, warehouse, Optional.of(Duration.ZERO), Optional.empty()).reconcile();
        }
    }

    /** Creates the request queue ({@code <queuePrefix>-reconcile}) and feeds the reconciler function from it. */
    static QueueRef attach(LocalRuntime runtime, String queuePrefix) {
        String name = queuePrefix + "-reconcile";
        Duration visibility = MAPPING.timeout().plusMinutes(1);
        String url = runtime.sqs().createQueue(b -> b.queueName(name).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, Long.toString(visibility.toSeconds())))).queueUrl();
        QueueRef queue = new QueueRef(name, url, "arn:aws:sqs:" + runtime.region() + ":000000000000:" + name);
        runtime.attach(queue, MAPPING, Requests::new);
        return queue;
    }

    /** What serve's schedule sends: a reconcile with the settings' grace period, and no reply. */
    static void requestScheduled(SqsClient sqs, String queueUrl) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody("{\"source\":\"sliceflow.schedule\"}"));
    }

    /**
     * Asks a running serve to reconcile (or, dry, only to find) and waits for its answer on a reply queue of its own.
     *
     * @return the reconciler's summary ({@link ReconcilerHandler#summary})
     * @throws IllegalStateException when no answer comes within {@code timeout}, or the reconciler failed
     */
    static Map<String, Object> ask(SqsClient sqs, String queueUrl, boolean dryRun, Optional<Duration> grace,
                                   Optional<Duration> lookBack, Duration timeout) {
        String replyName = "sliceflow-reconcile-reply-" + UUID.randomUUID().toString().substring(0, 8);
        String replyUrl;
        try {
            replyUrl = sqs.createQueue(b -> b.queueName(replyName)).queueUrl();
        } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
            throw new IllegalStateException("the serve that DIR/env.sh names does not answer (" + queueUrl + "): is it"
                    + " still running? A serve that was killed leaves env.sh behind: " + e.getMessage(), e);
        }
        try {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("replyTo", replyUrl);
            request.put("dryRun", dryRun);
            grace.ifPresent(g -> request.put("graceSeconds", g.toSeconds()));
            lookBack.ifPresent(l -> request.put("lookBackSeconds", l.toSeconds()));
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(Json.mapper().valueToTree(request).toString()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                long left = Math.max(1, Math.min(20, (deadline - System.nanoTime()) / 1_000_000_000L));
                List<Message> replies = sqs.receiveMessage(b -> b.queueUrl(replyUrl).waitTimeSeconds((int) left)
                        .maxNumberOfMessages(1)).messages();
                if (!replies.isEmpty()) {
                    Map<String, Object> reply = Json.mapper().readValue(replies.get(0).body(), new TypeReference<>() {
                    });
                    if (reply.containsKey("error")) {
                        throw new IllegalStateException("serve's reconciler failed: " + reply.get("error"));
                    }
                    return reply;
                }
            }
            throw new IllegalStateException("serve did not answer within " + timeout.toSeconds() + " s (" + queueUrl
                    + "): is it still starting, or busy reconciling?");
        } catch (IOException e) {
            throw new IllegalStateException("serve's reconciler answered something that is not JSON", e);
        } finally {
            sqs.deleteQueue(b -> b.queueUrl(replyUrl));
        }
    }

    private static Reconciler reconciler(Settings settings, Warehouse warehouse, Optional<Duration> grace,
                                         Optional<Duration> lookBack) {
        return CompositionRoot.reconciler(settings, warehouse, Clock.systemUTC(), new Reconciler.Options(
                grace.orElse(settings.reconcileGrace()), lookBack.orElse(settings.reconcileLookBack()),
                Reconciler.Options.DEFAULT_MAX_RESENDS));
    }

    /** Prints a summary as {@code sliceflow reconcile} shows it. */
    static void print(PrintWriter out, Map<String, Object> summary, boolean dryRun) {
        long waiting = ((Number) summary.get("waiting")).longValue();
        long resent = ((Number) summary.get("resent")).longValue();
        Object grace = summary.getOrDefault("graceSeconds", "?");
        out.printf("%d syncs checked; %d manifests committed more than %s s ago and not loaded, stale, failed or"
                + " rejected%n", ((Number) summary.get("syncsChecked")).longValue(), waiting, grace);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> syncs = (List<Map<String, Object>>) summary.get("syncs");
        for (Map<String, Object> sync : syncs) {
            out.printf("  sync %s: %s waiting, first %s%n", sync.get("syncId"), sync.get("waiting"),
                    String.join(", ", ((List<?>) sync.get("firstKeys")).stream().map(String::valueOf).toList()));
        }
        if (dryRun) {
            out.println("dry run: no load event sent");
        } else {
            out.printf("sent %d load events again to the load queue%s%n", resent,
                    resent < waiting ? " (the most one run sends; run it again for the rest)" : "");
        }
    }

    /** The summary of a report, with the grace period it used. */
    static Map<String, Object> summary(Reconciler.Report report, Duration grace) {
        Map<String, Object> summary = new LinkedHashMap<>(ReconcilerHandler.summary(report));
        summary.put("graceSeconds", grace.toSeconds());
        return summary;
    }

    /** Runs the reconciler in the serve process for each request, and answers on the request's reply queue. */
    static final class Requests implements RequestHandler<SQSEvent, SQSBatchResponse>, AutoCloseable {
        private final Settings settings;
        private final Warehouse warehouse;
        private final SqsClient sqs;

        Requests(Settings settings) {
            this.settings = settings;
            this.warehouse = CompositionRoot.warehouse(settings);
            this.sqs = settings.clients().sqs();
        }

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                Optional<String> replyTo = Optional.empty();
                Map<String, Object> answer;
                try {
                    JsonNode request = Json.mapper().readTree(message.getBody());
                    replyTo = Optional.ofNullable(request.path("replyTo").asText(null));
                    Optional<Duration> grace = request.hasNonNull("graceSeconds")
                            ? Optional.of(Duration.ofSeconds(request.get("graceSeconds").asLong()))
                            : Optional.empty();
                    Optional<Duration> lookBack = request.hasNonNull("lookBackSeconds")
                            ? Optional.of(Duration.ofSeconds(request.get("lookBackSeconds").asLong()))
                            : Optional.empty();
                    Reconciler reconciler = reconciler(settings, warehouse, grace, lookBack);
                    Reconciler.Report report = request.path("dryRun").asBoolean(false) ? reconciler.find()
                            : reconciler.reconcile();
                    answer = summary(report, reconciler.options().grace());
                    if (report.resent() > 0) {
                        LOG.warn("reconciler sent {} lost load events again", report.resent());
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warn("reconcile request failed: {}", e.getMessage());
                    answer = Map.of("error", String.valueOf(e.getMessage()));
                }
                Map<String, Object> reply = answer;
                // a request is answered once, failed or not: the next schedule or command asks again
                replyTo.ifPresent(url -> {
                    try {
                        sqs.sendMessage(b -> b.queueUrl(url).messageBody(Json.mapper().valueToTree(reply).toString()));
                    } catch (RuntimeException e) {
                        LOG.warn("cannot answer a reconcile request (did its command give up?): {}", e.getMessage());
                    }
                });
            }
            return SQSBatchResponse.builder().withBatchItemFailures(List.of()).build();
        }

        @Override
        public void close() {
            warehouse.close();
        }
    }
}

package dev.sliceflow.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP endpoint that answers AWS API calls with canned, AWS-shaped documents, for tests that must never
 * reach AWS. A call is routed by the service in its SigV4 credential scope and its operation: the query protocol's
 * Action parameter, the JSON protocol's X-Amz-Target, or for REST services "METHOD /path". Every call is recorded.
 */
public final class FakeAws implements AutoCloseable {
    /** A recorded call. */
    public record Call(String service, String operation, String method, String path, String rawQuery,
                       Map<String, String> params, String body, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        /** The access key id the call was signed with. */
        public String accessKeyId() {
            Matcher m = Pattern.compile("Credential=([^/]+)/").matcher(String.valueOf(header("Authorization")));
            return m.find() ? m.group(1) : null;
        }
    }

    /** An answer: status, content type, body. */
    public record Answer(int status, String contentType, String body) {
        public static Answer xml(String body) {
            return new Answer(200, "text/xml", body);
        }

        public static Answer json(String body) {
            return new Answer(200, "application/x-amz-json-1.1", body);
        }

        public static Answer xmlError(int status, String code, String message) {
            return new Answer(status, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>" + code
                    + "</Code><Message>" + message + "</Message></Error><RequestId>req-1</RequestId></ErrorResponse>");
        }

        public static Answer ec2Error(int status, String code, String message) {
            return new Answer(status, "text/xml", "<Response><Errors><Error><Code>" + code + "</Code><Message>"
                    + message + "</Message></Error></Errors><RequestID>req-1</RequestID></Response>");
        }

        public static Answer jsonError(int status, String code, String message) {
            return new Answer(status, "application/x-amz-json-1.1",
                    "{\"__type\":\"com.amazonaws#" + code + "\",\"message\":\"" + message + "\"}");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    private final Map<String, Function<Call, Answer>> routes = new ConcurrentHashMap<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private volatile Duration latency = Duration.ZERO;
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger maxInFlight = new java.util.concurrent.atomic.AtomicInteger();

    public FakeAws() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the fake AWS endpoint", e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers {@code operation} of {@code service} (for REST: "GET /2015-03-31/functions/"; a prefix match). */
    public FakeAws on(String service, String operation, Function<Call, Answer> answer) {
        routes.put(service + " " + operation, answer);
        return this;
    }

    /** Answers the calls in turn with {@code answers}, repeating the last. */
    public FakeAws onSequence(String service, String operation, Answer... answers) {
        int[] n = {0};
        return on(service, operation, call -> {
            synchronized (n) {
                return answers[Math.min(n[0]++, answers.length - 1)];
            }
        });
    }

    /** Delays every answer: a fixed per-call latency, to see concurrency. */
    public FakeAws latency(Duration value) {
        latency = value;
        return this;
    }

    /** The most requests that were being answered at once (within the latency), since the last reset. */
    public int maxInFlight() {
        return maxInFlight.get();
    }

    public void resetMaxInFlight() {
        maxInFlight.set(0);
    }

    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    public List<Call> calls(String service, String operation) {
        return calls().stream().filter(c -> c.service().equals(service) && c.operation().equals(operation)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, List<String>> headers = new LinkedHashMap<>(exchange.getRequestHeaders());
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            Matcher scope = Pattern.compile("Credential=[^/]+/[0-9]+/[^/]+/([^/]+)/").matcher(String.valueOf(auth));
            String service = scope.find() ? scope.group(1) : "unsigned";
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            Map<String, String> params = new LinkedHashMap<>(form(exchange.getRequestURI().getRawQuery()));
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation;
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                params.putAll(form(body));
                operation = params.getOrDefault("Action", "?");
            } else if (target != null) {
                operation = target.substring(target.lastIndexOf('.') + 1);
            } else {
                operation = method + " " + path;
            }
            Call call = new Call(service, operation, method, path, exchange.getRequestURI().getRawQuery(), params,
                    body, headers);
            calls.add(call);
            Function<Call, Answer> route = routes.get(service + " " + operation);
            if (route == null) {
                route = routes.entrySet().stream()
                        .filter(e -> (service + " " + operation).startsWith(e.getKey()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
            }
            Answer answer = route == null
                    ? new Answer(400, "text/plain", "FakeAws: no route for " + service + " " + operation)
                    : route.apply(call);
            if (!latency.isZero()) {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(latency.toMillis());
                } finally {
                    inFlight.decrementAndGet();
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
            exchange.getResponseHeaders().set("x-amzn-RequestId", "req-" + calls.size());
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(key, value);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}

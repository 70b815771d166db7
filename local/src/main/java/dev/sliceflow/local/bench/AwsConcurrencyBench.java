package dev.sliceflow.local.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.source.RowSink;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.Table;
import dev.sliceflow.source.aws.AwsEndpoints;
import dev.sliceflow.source.aws.AwsSourceFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code bench/run aws-concurrency [--latency-ms N]}: one slice of every regional table of the aws source against a
 * loopback endpoint that answers each call after a fixed latency (an empty, well-formed answer in the call's
 * protocol: each table lists nothing, so a table costs its list calls), at table concurrency 1, 4 and 8. One line
 * each: the wall time the option buys when AWS's latency dominates.
 */
final class AwsConcurrencyBench {
    private AwsConcurrencyBench() {
    }

    public static void main(String[] args) throws Exception {
        long latency = 100;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--latency-ms")) {
                latency = Long.parseLong(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + "; known: --latency-ms N");
            }
        }
        AtomicInteger calls = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(32);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        long sleep = latency;
        server.createContext("/", exchange -> answer(exchange, sleep, calls));
        server.setExecutor(threads);
        server.start();
        try {
            AwsSourceFactory factory = new AwsSourceFactory(Region.US_EAST_1,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench-secret")),
                    Optional.empty(), Optional.empty(), new AwsEndpoints(Map.of(AwsEndpoints.ALL,
                    java.net.URI.create("http://127.0.0.1:" + server.getAddress().getPort())), false, false));
            slice(factory, 4); // warm-up: class loading, connections
            int regional = 0;
            for (int concurrency : new int[] {1, 4, 8}) {
                calls.set(0);
                long started = System.nanoTime();
                regional = slice(factory, concurrency);
                long ms = (System.nanoTime() - started) / 1_000_000;
                System.out.printf("aws slice outside the global region, %d tables, %d calls at %d ms: "
                        + "concurrency %d: %,d ms%n", regional, calls.get(), latency, concurrency, ms);
            }
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }
    }

    /** Syncs a slice outside the global region (its global tables make no call); returns its tables. */
    private static int slice(AwsSourceFactory factory, int concurrency) throws Exception {
        SyncRequest request = new SyncRequest(1, "bench", Instant.parse("2026-12-01T00:00:00Z"),
                new SourceSpec("aws", Map.of("homeAccount", "123456789012", "concurrency",
                        Integer.toString(concurrency))), "123456789012", "eu-west-1", null, null, null, null, null);
        int tables = 0;
        try (Source source = factory.open(request)) {
            for (Table table : source.tables()) {
                table.scan(new RowSink() {
                    @Override
                    public void accept(Object[] row) {
                    }
                });
                tables++;
            }
        }
        return tables;
    }

    /** An empty answer in the request's protocol, after the latency. */
    private static void answer(HttpExchange exchange, long latency, AtomicInteger calls) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String type;
            String answer;
            int status = 200;
            if (exchange.getRequestURI().getPath().equals("/accounts")) {
                // Security Hub's DescribeHub where the hub is not enabled, as AWS answers it
                status = 400;
                type = "application/json";
                exchange.getResponseHeaders().set("x-amzn-ErrorType", "InvalidAccessException");
                answer = "{\"message\":\"not subscribed to AWS Security Hub\"}";
            } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
                String action = "Unknown";
                for (String pair : body.split("&")) {
                    if (pair.startsWith("Action=")) {
                        action = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
                    }
                }
                type = "text/xml";
                answer = "<" + action + "Response><" + action + "Result/></" + action + "Response>";
            } else if (target != null || !exchange.getRequestURI().getPath().startsWith("/2013-04-01")
                    && !exchange.getRequestURI().getPath().startsWith("/2020-05-31")) {
                type = contentType.startsWith("application/x-amz-json") ? contentType : "application/json";
                answer = "{}";
            } else {
                type = "text/xml";
                answer = "<R/>";
            }
            calls.incrementAndGet();
            Thread.sleep(latency);
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

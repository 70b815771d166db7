package dev.sliceflow.source.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback HTTP proxy in front of another endpoint (moto) that records, for every request, the IAM action it
 * needs ({@code ec2:DescribeVpcs}, {@code s3:GetBucketVersioning}): so a test can check the generated IAM policy
 * against what the source really called. Requests are forwarded unchanged but for the Host header (moto does not
 * check signatures).
 */
final class RecordingProxy implements AutoCloseable {
    private static final Set<String> HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding");
    private static final Pattern SCOPE = Pattern.compile("Credential=[^/]+/[0-9]+/[^/]+/([^/]+)/");
    /** S3's REST sub-resources and the IAM actions their GETs need. */
    private static final Map<String, String> S3 = Map.ofEntries(
            Map.entry("versioning", "s3:GetBucketVersioning"),
            Map.entry("encryption", "s3:GetEncryptionConfiguration"),
            Map.entry("publicAccessBlock", "s3:GetBucketPublicAccessBlock"),
            Map.entry("policyStatus", "s3:GetBucketPolicyStatus"),
            Map.entry("tagging", "s3:GetBucketTagging"),
            Map.entry("location", "s3:GetBucketLocation"),
            Map.entry("policy", "s3:GetBucketPolicy"),
            Map.entry("logging", "s3:GetBucketLogging"),
            Map.entry("lifecycle", "s3:GetLifecycleConfiguration"),
            Map.entry("replication", "s3:GetReplicationConfiguration"),
            Map.entry("ownershipControls", "s3:GetBucketOwnershipControls"));
    /** Signing names whose IAM prefix differs. */
    private static final Map<String, String> PREFIX = Map.of("monitoring", "cloudwatch",
            "elasticfilesystem", "elasticfilesystem", "config", "config");

    private final HttpServer server;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final Set<String> actions = new ConcurrentSkipListSet<>();

    RecordingProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", this::forward);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Every IAM action requested so far, sorted. */
    Set<String> actions() {
        return Set.copyOf(actions);
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            record(exchange, new String(body, StandardCharsets.UTF_8));
            URI uri = URI.create(target + exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).method(exchange.getRequestMethod(),
                    body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.equals(":status")) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            boolean empty = answer.length == 0 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(response.statusCode(), empty ? -1 : answer.length);
            if (!empty) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void record(HttpExchange exchange, String body) {
        String auth = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization"));
        Matcher scope = SCOPE.matcher(auth);
        String service = scope.find() ? scope.group(1) : "unsigned";
        String prefix = PREFIX.getOrDefault(service, service);
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        if (target != null) {
            actions.add(prefix + ":" + target.substring(target.lastIndexOf('.') + 1));
        } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
            for (String pair : body.split("&")) {
                if (pair.startsWith("Action=")) {
                    actions.add(prefix + ":" + URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8));
                }
            }
        } else if (service.equals("s3")) {
            actions.add(s3(path, query));
        } else {
            actions.add(prefix + ":" + rest(service, exchange.getRequestMethod(), path));
        }
    }

    private static String s3(String path, String query) {
        if (path.equals("/") || path.isEmpty()) {
            return "s3:ListAllMyBuckets";
        }
        String sub = query == null ? "" : query.split("[=&]")[0];
        return S3.getOrDefault(sub, "s3:?" + sub);
    }

    /** REST-JSON operations (Lambda and the like) by method and path. */
    private static String rest(String service, String method, String path) {
        if (service.equals("lambda")) {
            if (path.matches("/2015-03-31/functions/?")) {
                return "ListFunctions";
            }
            if (path.endsWith("/policy")) {
                return "GetPolicy";
            }
            if (path.endsWith("/url")) {
                return "GetFunctionUrlConfig";
            }
            if (path.matches("/2015-03-31/functions/[^/]+")) {
                return "GetFunction";
            }
        }
        Map<String, String> paths = Map.of(
                "backup /backup-vaults/", "ListBackupVaults",
                "guardduty /detector", "ListDetectors",
                "eks /clusters", "ListClusters",
                "elasticfilesystem /2015-02-01/file-systems", "DescribeFileSystems");
        String listed = paths.get(service + " " + path);
        if (listed != null) {
            return listed;
        }
        if (service.equals("securityhub") && path.equals("/accounts")) {
            return "DescribeHub";
        }
        if (service.equals("route53")) {
            return path.startsWith("/2013-04-01/tags/") ? "ListTagsForResource" : "ListHostedZones";
        }
        if (service.equals("cloudfront") && path.startsWith("/2020-05-31/distribution")) {
            return "ListDistributions";
        }
        if (service.equals("guardduty") && path.startsWith("/detector/")) {
            return "GetDetector";
        }
        if (service.equals("eks") && path.startsWith("/clusters/")) {
            return "DescribeCluster";
        }
        return "?" + method + " " + path;
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}

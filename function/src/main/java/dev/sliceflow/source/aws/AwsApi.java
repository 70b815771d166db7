package dev.sliceflow.source.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sliceflow.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.w3c.dom.Element;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.ServiceMetadata;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RecordSuccessRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;

/**
 * A small signed client for the read-only AWS calls of the aws source: the SDK's SigV4 signer and standard retry
 * strategy over the JDK's HTTP client. It speaks the query (XML), JSON 1.0/1.1 and REST-JSON protocols.
 *
 * <p>Why the JDK's HTTP client and not the url-connection one: HttpURLConnection drops the body of a 401 answer,
 * and EC2 answers AuthFailure and OptInRequired with 401: the error code that tells "region not enabled" from "bad
 * credentials" would be lost. It is in the JDK (no jar cost), pools connections and is interruptible.
 *
 * <p>Why not the SDK service modules: they carry every operation's model. ec2 alone is a 26 MB jar, iam 4 MB,
 * rds 6 MB; together they would triple the 17 MB Lambda jar (limit 20 MiB), and shade's minimizeJar cannot trim
 * them since each generated client references every operation. This source needs a dozen read operations.
 * S3, SQS and STS, already in the jar for the worker, are used through their SDK clients.
 *
 * <p>Thread-safe; one per slice (credentials and region are the slice's).
 */
final class AwsApi {
    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    /** Headers the JDK client sets itself (from the URI and the body) and refuses to take. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection",
            "expect", "upgrade");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final Function<AwsService, Optional<URI>> endpointOverride;
    private final AwsRetries retries;
    private final boolean fips;
    private final boolean dualStack;
    private final Clock clock;
    /** Server time minus local time, learnt from a clock-skew error's Date header; signing adds it. */
    private final AtomicLong skewMillis = new AtomicLong();
    private final Map<String, RetryStrategy> strategies = new ConcurrentHashMap<>();

    /** Error codes a service answers when the request's signing time is too far from its own. */
    static final Set<String> CLOCK_SKEW = Set.of("RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture",
            "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure", "InvalidSignature");
    /** How far apart the clocks must be for a signature error to count as skew (the SDK's threshold). */
    private static final Duration SKEW_THRESHOLD = Duration.ofMinutes(4);
    static final String USER_AGENT = "sliceflow/" + dev.sliceflow.worker.Version.VALUE + " java/"
            + Runtime.version().feature();

    AwsApi(HttpClient client, AwsCredentialsProvider credentials, String region,
           Function<AwsService, Optional<URI>> endpointOverride, AwsRetries retries) {
        this(client, credentials, region, endpointOverride, retries, false, false, Clock.systemUTC());
    }

    /**
     * @param endpointOverride a configured endpoint per service (AWS_ENDPOINT_URL...), else the public one
     * @param fips             the FIPS endpoints
     * @param dualStack        the dual-stack endpoints
     * @param clock            the local clock that signing starts from (corrected by a learnt skew)
     */
    AwsApi(HttpClient client, AwsCredentialsProvider credentials, String region,
           Function<AwsService, Optional<URI>> endpointOverride, AwsRetries retries, boolean fips,
           boolean dualStack, Clock clock) {
        this.client = client;
        this.credentials = credentials;
        this.region = region;
        this.endpointOverride = endpointOverride;
        this.retries = retries;
        this.fips = fips;
        this.dualStack = dualStack;
        this.clock = clock;
    }

    /** The skew learnt so far (server minus local time). */
    Duration skew() {
        return Duration.ofMillis(skewMillis.get());
    }

    /** A query-protocol call (IAM, EC2, SNS, RDS): form-encoded POST, XML answer; returns the root element. */
    Element query(AwsService service, String action, Map<String, String> params) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", action);
        form.put("Version", service.version());
        form.putAll(params);
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return call(service, action, () -> {
            Response response = send(service, SdkHttpMethod.POST, "/", Map.of(), bytes,
                    Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"));
            if (response.status / 100 != 2) {
                throw skewChecked(xmlError(service, action, response));
            }
            return Xml.parse(response.body);
        });
    }

    /** A JSON 1.0/1.1 call (DynamoDB, KMS, CloudTrail, ECS): POST / with X-Amz-Target. */
    JsonNode json(AwsService service, String operation, ObjectNode request) {
        byte[] bytes = request.toString().getBytes(StandardCharsets.UTF_8);
        String contentType = service.protocol() == AwsService.Protocol.JSON_1_0
                ? "application/x-amz-json-1.0" : "application/x-amz-json-1.1";
        return call(service, operation, () -> {
            Response response = send(service, SdkHttpMethod.POST, "/", Map.of(), bytes,
                    Map.of("Content-Type", contentType, "X-Amz-Target", service.version() + "." + operation));
            return jsonChecked(service, operation, response);
        });
    }

    /** A REST-JSON GET (Lambda): path and query parameters; the JSON answer. */
    JsonNode restGet(AwsService service, String operation, String path, Map<String, String> query) {
        return call(service, operation, () -> jsonChecked(service, operation,
                send(service, SdkHttpMethod.GET, path, query, new byte[0], Map.of())));
    }

    /** A REST-XML GET (Route 53, CloudFront): path and query parameters; the answer's root element. */
    Element restGetXml(AwsService service, String operation, String path, Map<String, String> query) {
        return call(service, operation, () -> {
            Response response = send(service, SdkHttpMethod.GET, path, query, new byte[0], Map.of());
            if (response.status / 100 != 2) {
                throw skewChecked(xmlError(service, operation, response));
            }
            return Xml.parse(response.body);
        });
    }

    /** A fresh JSON object for a request body. */
    static ObjectNode body() {
        return Json.mapper().createObjectNode();
    }

    private <T> T call(AwsService service, String operation, Supplier<T> attempt) {
        RetryStrategy strategy = strategies.computeIfAbsent(service.id(), id -> retries.forApi());
        RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create(service.id())).token();
        boolean skewRetried = false;
        while (true) {
            RuntimeException failure;
            try {
                T result = attempt.get();
                strategy.recordSuccess(RecordSuccessRequest.create(token));
                return result;
            } catch (ClockSkewCorrected e) {
                if (!skewRetried) { // re-signed with the corrected clock: once, outside the retry budget
                    skewRetried = true;
                    continue;
                }
                failure = e.error;
            } catch (RuntimeException e) {
                failure = e;
            }
            RefreshRetryTokenResponse next;
            try {
                next = strategy.refreshRetryToken(RefreshRetryTokenRequest.builder().token(token).failure(failure)
                        .build());
            } catch (TokenAcquisitionFailedException notRetried) {
                throw failure;
            }
            sleep(next.delay(), service, operation, failure);
            token = next.token();
        }
    }

    private static void sleep(Duration delay, AwsService service, String operation, RuntimeException failure) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(e);
            throw new IllegalStateException("interrupted while retrying " + service.id() + " " + operation, failure);
        }
    }

    private record Response(int status, byte[] body, Map<String, List<String>> headers) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }
    }

    private Response send(AwsService service, SdkHttpMethod method, String path, Map<String, String> query,
                          byte[] body, Map<String, String> headers) {
        URI base = endpointOverride.apply(service).orElseGet(() -> service.endpoint(region, fips, dualStack));
        SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(method).uri(base).encodedPath(path);
        query.forEach(request::putRawQueryParameter);
        headers.forEach(request::putHeader);
        if (method == SdkHttpMethod.POST) {
            request.putHeader("Content-Length", Integer.toString(body.length));
        }
        boolean xml = service.protocol() == AwsService.Protocol.QUERY || service.protocol() == AwsService.Protocol.REST_XML;
        request.putHeader("Accept", xml ? "text/xml" : "application/json");
        Clock signingClock = Clock.offset(clock, Duration.ofMillis(skewMillis.get()));
        SignedRequest signed = SIGNER.sign(r -> r.identity(credentials.resolveCredentials())
                .request(request.build())
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, signingClock)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service.id())
                .putProperty(AwsV4HttpSigner.REGION_NAME, service.signingRegion(region)));
        HttpRequest.Builder http = HttpRequest.newBuilder(signed.request().getUri()).timeout(TIMEOUT)
                .method(method.name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        signed.request().forEachHeader((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> http.header(name, value));
            }
        });
        // Not signed (nor is it by the SDK): CloudTrail in the member account shows who read it.
        http.header("User-Agent", USER_AGENT);
        try {
            HttpResponse<byte[]> response = client.send(http.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response answer = new Response(response.statusCode(), response.body(), response.headers().map());
            if (answer.status / 100 != 2) {
                learnSkew(answer, signingClock);
            }
            return answer;
        } catch (IOException e) {
            if (notInRegion(e, service, region)) {
                throw new ServiceNotInRegionException(service.id() + " has no endpoint in " + region + " ("
                        + base.getHost() + " does not resolve, and the SDK's endpoint metadata does not list it)", e);
            }
            throw new UncheckedIOException("cannot call " + service.id() + " at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling " + service.id(), e);
        }
    }

    /**
     * After an error answer: if the server's Date is more than {@link #SKEW_THRESHOLD} from the time the request
     * was signed with, remember the difference (as the SDK's clock-skew adjuster does), so the next signature
     * uses the server's time. The caller's error handling then sees {@link ClockSkewCorrected}.
     */
    private void learnSkew(Response response, Clock signingClock) {
        Optional<String> date = response.header("Date");
        if (date.isEmpty()) {
            return;
        }
        Instant server;
        try {
            server = java.time.ZonedDateTime.parse(date.get(), java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
        } catch (java.time.DateTimeException unparsable) {
            return;
        }
        Duration off = Duration.between(signingClock.instant(), server);
        if (off.abs().compareTo(SKEW_THRESHOLD) > 0) {
            skewMillis.set(Duration.between(clock.instant(), server).toMillis());
            pendingSkew.set(true);
        }
    }

    /** Set by {@link #learnSkew} for the thread whose answer corrected the skew. */
    private final ThreadLocal<Boolean> pendingSkew = ThreadLocal.withInitial(() -> false);

    /** A clock-skew error after which the clock was corrected: worth one immediate re-signed attempt. */
    private static final class ClockSkewCorrected extends RuntimeException {
        final RuntimeException error;

        ClockSkewCorrected(RuntimeException error) {
            super(error.getMessage(), error, false, false);
            this.error = error;
        }
    }

    private RuntimeException skewChecked(AwsApiException e) {
        boolean corrected = pendingSkew.get();
        pendingSkew.set(false);
        return corrected && CLOCK_SKEW.contains(e.errorCode()) ? new ClockSkewCorrected(e) : e;
    }

    /**
     * A host that does not resolve means "no such service here" only when the SDK's endpoint metadata agrees (the
     * region is not among the service's): a DNS failure for a region the service has is transient and retried, never
     * turned into an empty table.
     */
    static boolean notInRegion(IOException e, AwsService service, String region) {
        boolean unresolved = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            unresolved |= t instanceof UnknownHostException
                    || t instanceof UnresolvedAddressException;
        }
        if (!unresolved || service.global()) {
            return false;
        }
        try {
            ServiceMetadata metadata =
                    ServiceMetadata.of(service.id());
            return metadata != null && !metadata.regions().contains(Region.of(region));
        } catch (RuntimeException unknown) {
            return false;
        }
    }

    /** The service has no endpoint in the slice's region: its tables are empty there. */
    static final class ServiceNotInRegionException extends RuntimeException {
        ServiceNotInRegionException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private JsonNode jsonChecked(AwsService service, String operation, Response response) {
        try {
            return jsonAnswer(service, operation, response);
        } catch (AwsApiException e) {
            throw skewChecked(e);
        }
    }

    private static JsonNode jsonAnswer(AwsService service, String operation, Response response) {
        JsonNode node;
        try {
            node = response.body.length == 0 ? Json.mapper().createObjectNode() : Json.mapper().readTree(response.body);
        } catch (IOException e) {
            if (response.status / 100 == 2) {
                throw new IllegalStateException(service.id() + " " + operation + " answered malformed JSON", e);
            }
            node = Json.mapper().createObjectNode();
        }
        if (response.status / 100 == 2) {
            return node;
        }
        // The error type: __type ("ns#Code" or "Code") or the x-amzn-ErrorType header ("Code:details").
        String type = response.header("x-amzn-ErrorType").orElse(node.path("__type").asText(node.path("code").asText("")));
        type = type.contains("#") ? type.substring(type.lastIndexOf('#') + 1) : type;
        type = type.contains(":") ? type.substring(0, type.indexOf(':')) : type;
        String message = node.path("message").asText(node.path("Message").asText(null));
        return throwing(new AwsApiException(service.id(), operation, response.status,
                type.isEmpty() ? "HTTP" + response.status : type, message,
                response.header("x-amzn-RequestId").orElse(null)));
    }

    private static AwsApiException xmlError(AwsService service, String action, Response response) {
        String code = "HTTP" + response.status;
        String message = null;
        String requestId = null;
        try {
            Element root = Xml.parse(response.body);
            // <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse> (IAM, SNS, RDS) or
            // <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response> (EC2).
            Element error = Xml.child(root, "Error");
            if (error == null) {
                error = Xml.child(Xml.child(root, "Errors"), "Error");
            }
            if (error != null) {
                code = Optional.ofNullable(Xml.text(error, "Code")).orElse(code);
                message = Xml.text(error, "Message");
            }
            requestId = Optional.ofNullable(Xml.text(root, "RequestId")).orElse(Xml.text(root, "RequestID"));
        } catch (RuntimeException unparsable) {
            message = new String(response.body, StandardCharsets.UTF_8);
            message = message.length() > 200 ? message.substring(0, 200) : message;
        }
        return new AwsApiException(service.id(), action, response.status, code, message, requestId);
    }

    private static <T> T throwing(AwsApiException e) {
        throw e;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

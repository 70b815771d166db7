package dev.sliceflow.infra;

import static dev.sliceflow.infra.Templates.list;
import static dev.sliceflow.infra.Templates.map;
import static dev.sliceflow.infra.Templates.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.lake.catalog.LakeUrl;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.loader.ReconcilerHandler;
import dev.sliceflow.planner.PlannerHandler;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.warehouse.WarehouseProvider;
import dev.sliceflow.worker.WorkerHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awscdk.assertions.Template;

/**
 * Each handler constructed with exactly the environment the synthesized template gives its function (plus what
 * Lambda itself sets: region, function name, credentials), for the default stack and every documented variant: a
 * template can never again ship a function that cannot start. CloudFormation's Refs become plausible literals.
 * <p>
 * Network is nowhere: every HTTP(S) connection the JVM opens goes through a proxy selector that records the URI and
 * answers with a proxy on a closed loopback port, so nothing leaves the machine and every attempt is visible.
 */
class HandlerEnvironmentTest {
    private static final String REGION = "eu-west-1";
    private static final String ACCOUNT = "123456789012";

    private final List<URI> attempts = Collections.synchronizedList(new ArrayList<>());
    private ProxySelector previous;

    @BeforeEach
    void noNetwork() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Proxy nowhere = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", closedPort));
        previous = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                attempts.add(uri);
                return List.of(nowhere);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
            }
        });
    }

    /**
     * Lambda hands the function temporary keys in its environment, where Settings' default credential chain reads
     * them; this JVM's environment cannot be set, so the same keys go where that chain looks first.
     */
    @BeforeEach
    void lambdaCredentials() {
        System.setProperty("aws.accessKeyId", "ASIAEXAMPLEEXAMPLE00");
        System.setProperty("aws.secretAccessKey", "not-a-secret");
        System.setProperty("aws.sessionToken", "not-a-token");
    }

    @AfterEach
    void restore() {
        ProxySelector.setDefault(previous);
        Stream.of("aws.accessKeyId", "aws.secretAccessKey", "aws.sessionToken").forEach(System::clearProperty);
    }

    /** Every documented configuration: name -> context. */
    static Stream<Arguments> variants() {
        Map<String, Map<String, Object>> all = new LinkedHashMap<>();
        all.put("default", DefaultStackTest.CONTEXT);
        all.put("scheduled", ScheduledStackTest.CONTEXT);
        all.putAll(DocumentedVariantsTest.VARIANTS);
        return all.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @Test
    void guard_whenAnSdkClientCalls_recordsTheAttemptAndFailsOnTheMachine() {
        try (SqsClient sqs = SqsClient.builder().region(Region.of(REGION)).httpClient(
                software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("AKIDEXAMPLE", "x")))
                .build()) {
            assertThatThrownBy(sqs::listQueues).isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
        assertThat(hosts()).containsExactly("sqs." + REGION + ".amazonaws.com");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void worker_whenGivenItsTemplateEnvironment_initialisesWithoutNetwork(String variant, Map<String, Object> context) {
        Map<String, String> env = environmentOf(context, SyncWorker.HANDLER);
        new WorkerHandler(Settings.from(env));
        assertThat(attempts).as("network attempts while constructing the worker (%s)", variant).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void planner_whenGivenItsTemplateEnvironment_initialisesWithoutNetwork(String variant,
                                                                          Map<String, Object> context) {
        if (!context.containsKey("schedule")) {
            assertThat(environments(context)).doesNotContainKey(Planner.HANDLER);
            return;
        }
        new PlannerHandler(Settings.from(environmentOf(context, Planner.HANDLER)));
        assertThat(attempts).as("network attempts while constructing the planner (%s)", variant).isEmpty();
    }

    /**
     * With a warehouse URL only, the loader starts without network. With a secret, it reads the secret while it
     * initialises (dev.sliceflow.runtime.CompositionRoot.loader; at version publish time with SnapStart): that is its
     * one call, so a loader in a VPC needs a path to Secrets Manager before the deploy can finish. With the lake (the
     * default), the loader finds the Iceberg destination through the WarehouseProvider ServiceLoader, as in Lambda,
     * and may call only Glue and S3 of its region while it initialises.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void loader_whenGivenItsTemplateEnvironment_initialisesWithoutNetworkOrReadsOnlyItsSecret(
            String variant, Map<String, Object> context) throws Exception {
        Map<String, String> env = environmentOf(context, Loader.HANDLER);
        String url = env.getOrDefault("SLICEFLOW_WAREHOUSE_URL", "");
        if (LakeUrl.isLake(url)) {
            assertLakeUrl(env, url);
            lakeHandler(variant, url, () -> new LoaderHandler(Settings.from(env)).close());
            return;
        }
        assertThat(env).as("the loader's destination (%s)", variant)
                .containsAnyOf(Map.entry("SLICEFLOW_WAREHOUSE_URL", TestStacks.WAREHOUSE_URL),
                        Map.entry("SLICEFLOW_WAREHOUSE_SECRET_ARN", DocumentedVariantsTest.SECRET_ARN));
        if (!env.containsKey("SLICEFLOW_WAREHOUSE_SECRET_ARN")) {
            new LoaderHandler(Settings.from(env)).close();
            assertThat(attempts).as("network attempts while constructing the loader (%s)", variant).isEmpty();
            return;
        }
        assertThatThrownBy(() -> new LoaderHandler(Settings.from(env)).close())
                .as("without network, reading the secret fails (%s)", variant)
                .isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class)
                .hasMessageContaining("Unable to execute HTTP request");
        assertThat(hosts()).as("hosts the loader called while constructing (%s)", variant).isNotEmpty()
                .containsOnly("secretsmanager." + REGION + ".amazonaws.com");
    }

    private static void assertLakeUrl(Map<String, String> env, String url) {
        LakeUrl lake = LakeUrl.parse(url);
        assertThat(lake.catalog()).isEqualTo(LakeUrl.Catalog.GLUE);
        assertThat(lake.namespace()).isEqualTo("sliceflow");
        assertThat(lake.properties()).containsOnlyKeys("warehouse")
                .containsEntry("warehouse", "s3://" + env.get("SLICEFLOW_BUCKET") + "/lake/");
    }

    interface Construction {
        void run() throws Exception;
    }

    /** A handler on the lake is built through the WarehouseProvider ServiceLoader, as in Lambda: Glue and S3 only. */
    private void lakeHandler(String variant, String url, Construction construct) throws Exception {
        boolean provided = java.util.ServiceLoader.load(WarehouseProvider.class).stream()
                .anyMatch(provider -> provider.get().accepts(url));
        assertThat(provided).as("a WarehouseProvider (the lake module's) accepts %s (%s)", url, variant).isTrue();
        try {
            construct.run();
        } catch (software.amazon.awssdk.core.exception.SdkClientException withoutNetwork) {
            assertThat(hosts()).as("a lake handler fails only for want of Glue or S3 (%s)", variant).isNotEmpty();
        }
        assertThat(hosts()).as("hosts a lake handler called while constructing (%s)", variant)
                .allMatch(host -> host.equals("glue." + REGION + ".amazonaws.com")
                        || host.matches("(.+\\.)?s3[.-]" + REGION + "\\.amazonaws\\.com|(.+\\.)?s3\\.amazonaws\\.com"));
    }

    /** Like the loader: it opens the same warehouse, so with a secret it reads that secret and nothing else. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void reconciler_whenGivenItsTemplateEnvironment_initialisesWithoutNetworkOrReadsOnlyItsSecret(
            String variant, Map<String, Object> context) throws Exception {
        Map<String, String> env = environmentOf(context, LoadReconciler.HANDLER);
        assertThat(env).as("the reconciler's load queue (%s)", variant).containsKey("SLICEFLOW_LOAD_QUEUE_URL");
        String url = env.getOrDefault("SLICEFLOW_WAREHOUSE_URL", "");
        if (LakeUrl.isLake(url)) {
            lakeHandler(variant, url, () -> new ReconcilerHandler(Settings.from(env)).close());
            return;
        }
        if (!env.containsKey("SLICEFLOW_WAREHOUSE_SECRET_ARN")) {
            new ReconcilerHandler(Settings.from(env)).close();
            assertThat(attempts).as("network attempts while constructing the reconciler (%s)", variant).isEmpty();
            return;
        }
        assertThatThrownBy(() -> new ReconcilerHandler(Settings.from(env)).close())
                .as("without network, reading the secret fails (%s)", variant)
                .isInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        assertThat(hosts()).as("hosts the reconciler called while constructing (%s)", variant)
                .containsOnly("secretsmanager." + REGION + ".amazonaws.com");
    }

    private List<String> hosts() {
        synchronized (attempts) {
            return attempts.stream().map(URI::getHost).distinct().toList();
        }
    }

    /** The handler's environment: the template's variables, tokens resolved, plus what Lambda sets itself. */
    private static Map<String, String> environmentOf(Map<String, Object> context, String handler) {
        Map<String, Map<String, String>> environments = environments(context);
        assertThat(environments).as("functions running %s", handler).containsKey(handler);
        return environments.get(handler);
    }

    /** One synth per configuration, shared by the three handlers' tests. */
    private static final Map<Map<String, Object>, Map<String, Map<String, String>>> SYNTHESIZED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static Map<String, Map<String, String>> environments(Map<String, Object> context) {
        return SYNTHESIZED.computeIfAbsent(context, HandlerEnvironmentTest::synthesize);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, String>> synthesize(Map<String, Object> context) {
        Template template = TestStacks.template(context);
        Map<String, Map<String, Object>> resources =
                (Map<String, Map<String, Object>>) map(template.toJSON()).get("Resources");
        Map<String, Map<String, String>> byHandler = new LinkedHashMap<>();
        template.findResources("AWS::Lambda::Function").forEach((id, function) -> {
            Map<String, Object> p = properties(function);
            if (!(p.get("Handler") instanceof String handler) || !handler.startsWith("dev.sliceflow.")) {
                return;
            }
            Map<String, String> env = new LinkedHashMap<>();
            Object variables = p.containsKey("Environment") ? map(p.get("Environment")).get("Variables") : null;
            if (variables != null) {
                map(variables).forEach((k, v) -> env.put(k, resolve(v, resources)));
            }
            String name = resolve(p.get("FunctionName"), resources);
            env.put("AWS_REGION", REGION);
            env.put("AWS_DEFAULT_REGION", REGION);
            env.put("AWS_LAMBDA_FUNCTION_NAME", name);
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", p.get("MemorySize").toString());
            env.put("AWS_LAMBDA_LOG_FORMAT", "JSON");
            env.put("AWS_ACCESS_KEY_ID", "ASIAEXAMPLEEXAMPLE00");
            env.put("AWS_SECRET_ACCESS_KEY", "not-a-secret");
            env.put("AWS_SESSION_TOKEN", "not-a-token");
            byHandler.put(handler, env);
        });
        return byHandler;
    }

    /** A plausible literal for a template value: Refs of queues become queue URLs, of buckets bucket names. */
    private static String resolve(Object value, Map<String, Map<String, Object>> resources) {
        if (value instanceof String s) {
            return s;
        }
        Map<String, Object> m = map(value);
        if (m.containsKey("Ref")) {
            String id = (String) m.get("Ref");
            if (id.startsWith("AWS::")) {
                return switch (id) {
                    case "AWS::Region" -> REGION;
                    case "AWS::AccountId" -> ACCOUNT;
                    case "AWS::Partition" -> "aws";
                    case "AWS::URLSuffix" -> "amazonaws.com";
                    default -> id;
                };
            }
            String type = (String) resources.get(id).get("Type");
            return switch (type) {
                case "AWS::SQS::Queue" -> "https://sqs." + REGION + ".amazonaws.com/" + ACCOUNT + "/sliceflow-" + id;
                case "AWS::S3::Bucket" -> "sliceflow-" + id.toLowerCase(Locale.ROOT);
                default -> id;
            };
        }
        if (m.containsKey("Fn::GetAtt")) {
            List<Object> att = list(m.get("Fn::GetAtt"));
            return "arn:aws:" + REGION + ":" + ACCOUNT + ":" + att.get(0);
        }
        if (m.containsKey("Fn::Join")) {
            List<Object> join = list(m.get("Fn::Join"));
            return list(join.get(1)).stream().map(part -> resolve(part, resources))
                    .collect(Collectors.joining((String) join.get(0)));
        }
        throw new AssertionError("cannot resolve " + value);
    }
}

package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sliceflow.testing.TestDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code sliceflow serve} as users run it: a separate JVM, driven with the real AWS CLI (v1) using the endpoints and
 * exports it prints, stopped with SIGTERM (what Ctrl-C's shutdown path runs), with whatever handlers the build has.
 */
class ServeCommandTest {
    private static Process serve;
    private static Path dir;
    private static final List<String> stdout = new ArrayList<>();
    private static final Map<String, String> exports = new HashMap<>();
    private static Optional<Path> aws;

    @BeforeAll
    static void startServe() throws Exception {
        aws = findAws();
        dir = TestDirs.create("serve");
        // No functions: this test reads the load queue itself, which a loader would drain first.
        serve = new ProcessBuilder(ServeProcess.command(dir, "--no-functions"))
                .redirectError(dir.resolveSibling(dir.getFileName() + "-stderr.txt").toFile())
                .start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> {
            try {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (stdout) {
                        stdout.add(line);
                    }
                    if (line.startsWith("export ")) {
                        String[] kv = line.substring("export ".length()).split("=", 2);
                        exports.put(kv[0], kv[1].replaceAll("^'|'$", ""));
                    }
                    if (line.startsWith("ready")) {
                        return;
                    }
                }
                throw new IllegalStateException("serve exited before it was ready: " + stdout);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        ready.get(90, TimeUnit.SECONDS);
        // keep draining stdout so that serve never blocks on a full pipe
        Thread.ofPlatform().daemon().start(() -> reader.lines().forEach(line -> {
            synchronized (stdout) {
                stdout.add(line);
            }
        }));
    }

    @AfterAll
    static void stopServe() throws Exception {
        if (serve != null && serve.isAlive()) {
            serve.destroyForcibly();
        }
    }

    @Test
    void serve_printsEndpointsAndExports() {
        assertThat(exports).containsKeys("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_SQS", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "SLICEFLOW_SYNC_QUEUE_URL", "SLICEFLOW_LOAD_QUEUE_URL");
        assertThat(exports.get("AWS_ENDPOINT_URL_S3")).startsWith("http://127.0.0.1:");
        assertThat(exports.get("SLICEFLOW_SYNC_QUEUE_URL")).endsWith("/000000000000/sliceflow-sync");
        assertThat(dir.resolve("env.sh")).exists();
        synchronized (stdout) {
            assertThat(stdout).contains("  functions: none (--no-functions)");
        }
    }

    @Test
    void awsCli_copiesListsAndReceivesTheManifestEvent() throws Exception {
        assumeTrue(aws.isPresent(), "the aws CLI is not installed (not on PATH, not /root/.pyenv/shims/aws): "
                + "this test drives serve with it");
        Path manifest = dir.resolveSibling(dir.getFileName() + "-manifest.json");
        Files.writeString(manifest, "{\"v\":1}");
        String s3 = exports.get("AWS_ENDPOINT_URL_S3");
        String sqs = exports.get("AWS_ENDPOINT_URL_SQS");

        // The exported AWS_ENDPOINT_URL_S3 alone points the CLI at local S3 (no --endpoint-url).
        assertThat(awsCli("s3", "cp", manifest.toString(), "s3://sliceflow-staging/manifests/sync_id=s1/manifest-0.json"))
                .contains("upload:");
        assertThat(awsCli("--endpoint-url", s3, "s3", "ls", "s3://sliceflow-staging/", "--recursive"))
                .contains("manifests/sync_id=s1/manifest-0.json");
        // AWS CLI v1 ignores AWS_ENDPOINT_URL_SQS (its sqs customization picks queue.amazonaws.com): pass it.
        String received = awsCli("--endpoint-url", sqs, "sqs", "receive-message", "--queue-url",
                exports.get("SLICEFLOW_LOAD_QUEUE_URL"), "--max-number-of-messages", "10", "--wait-time-seconds", "2");
        assertThat(received).contains("ObjectCreated:Put").contains("manifests/sync_id%3Ds1/manifest-0.json");
        assertThat(awsCli("--endpoint-url", sqs, "sqs", "send-message", "--queue-url",
                exports.get("SLICEFLOW_SYNC_QUEUE_URL"), "--message-body", "{\"hello\":1}")).contains("MessageId");
        assertThat(awsCli("--endpoint-url", sqs, "sqs", "list-queues")).contains("sliceflow-load-dlq");
    }

    @Test
    void sigterm_stopsCleanly() throws Exception {
        Path other = TestDirs.create("serve-stop");
        Process process = new ProcessBuilder(ServeProcess.command(other))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null && !line.startsWith("ready")) {
            lines.add(line);
        }
        assertThat(line).as("serve output: %s", lines).startsWith("ready");

        long start = System.nanoTime();
        process.toHandle().destroy(); // SIGTERM, keeping the output readable (Process.destroy closes it)
        boolean exited = process.waitFor(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(exited).as("serve exits on SIGTERM").isTrue();
        assertThat(reader.lines().toList()).contains("sliceflow stopped");
        assertThat(took).isLessThan(Duration.ofSeconds(15));
        assertThat(other.resolve("env.sh")).doesNotExist();
    }

    @Test
    void restart_deliversWhatWasQueuedWhenServeStopped() throws Exception {
        Path kept = TestDirs.create("serve-restart");
        ServeProcess first = ServeProcess.start(kept, ProcessBuilder.Redirect.DISCARD, "--no-functions");
        try (SqsClient sqs = first.clients().sqs()) {
            sqs.sendMessage(b -> b.queueUrl(first.exports().get("SLICEFLOW_SYNC_QUEUE_URL"))
                    .messageBody("queued before stop"));
        }
        first.stop();

        ServeProcess second = ServeProcess.start(kept, ProcessBuilder.Redirect.DISCARD, "--no-functions");
        try (SqsClient sqs = second.clients().sqs()) {
            assertThat(sqs.receiveMessage(b -> b.queueUrl(second.exports().get("SLICEFLOW_SYNC_QUEUE_URL"))
                    .waitTimeSeconds(5)).messages()).extracting(m -> m.body())
                    .containsExactly("queued before stop");
        } finally {
            second.process().toHandle().destroy();
            second.process().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String awsCli(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(aws.orElseThrow().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(exports);
        builder.environment().put("AWS_CONFIG_FILE", "/dev/null");
        builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("aws %s:%n%s", String.join(" ", args), output).isZero();
        return output;
    }

    private static Optional<Path> findAws() {
        Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(p -> !p.isEmpty()).map(p -> Path.of(p, "aws"));
        return Stream.concat(onPath, Stream.of(Path.of("/root/.pyenv/shims/aws")))
                .filter(Files::isExecutable).findFirst();
    }
}

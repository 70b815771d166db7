package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.runtime.TestDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The real launcher script (local/sliceflow) running serve: its temporary files stay under DIR/tmp/<pid>, a SIGKILL
 * leaves them there, and the next serve deletes them. The launcher runs against a jar whose manifest points at this
 * test's class path, so no package step is needed.
 */
class LauncherTempDirTest {
    private record Serve(Process process, List<String> lines) {
    }

    private static Path launcher() throws IOException {
        Path root = TestDirs.create("launcher");
        Path local = Files.createDirectories(root.resolve("local").resolve("target"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SliceflowCli.class.getName());
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                        .map(entry -> Path.of(entry).toAbsolutePath().toUri().toString())
                        .collect(Collectors.joining(" ")));
        try (OutputStream out = Files.newOutputStream(local.resolve("sliceflow-local.jar"));
             JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Path script = root.resolve("local").resolve("sliceflow");
        Files.copy(Path.of("sliceflow"), script);
        script.toFile().setExecutable(true);
        return script;
    }

    private static Serve serve(Path script, Path dir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "serve", "--dir", dir.toString(),
                "--s3-port", "0", "--sqs-port", "0").redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SLICEFLOW_JAVA", ProcessHandle.current().info().command().orElse("java"));
        builder.environment().put("SLICEFLOW_CDS", "off");
        builder.environment().remove("SLICEFLOW_JAVA_OPTS");
        Process process = builder.start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = reader.readLine()) != null && !line.startsWith("ready")) {
            lines.add(line);
        }
        assertThat(line).as("serve output: %s", lines).startsWith("ready");
        Thread.ofPlatform().daemon().start(() -> reader.lines().forEach(l -> { }));
        return new Serve(process, lines);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void serve_whenKilledAndStartedAgain_keptItsTempFilesInDirAndTheRestartDeletesThem() throws Exception {
        Path script = launcher();
        Path dir = TestDirs.create("launcher-dir");

        Serve first = serve(script, dir);
        long killed = first.process().pid();
        Path firstTmp = dir.resolve("tmp").resolve(Long.toString(killed));
        // the loader opens DuckDB (extracting its library) at its first load: sync a small slice
        Map<String, String> exports = new HashMap<>();
        first.lines().stream().filter(l -> l.startsWith("export ")).map(l -> l.substring(7).split("=", 2))
                .forEach(kv -> exports.put(kv[0], kv[1].replaceAll("^'|'$", "")));
        try (SqsClient sqs = SqsClient.builder().region(Region.US_EAST_1)
                .endpointOverride(URI.create(exports.get("AWS_ENDPOINT_URL_SQS")))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        exports.get("AWS_ACCESS_KEY_ID"), exports.get("AWS_SECRET_ACCESS_KEY")))).build()) {
            sqs.sendMessage(b -> b.queueUrl(exports.get("SLICEFLOW_SYNC_QUEUE_URL")).messageBody("""
                    {"syncId":"tmp-1","syncTime":"2026-11-25T09:00:00Z","source":{"kind":"synthetic","options":\
                    {"rowsPerTable":"5"}},"account":"123456789012","region":"us-east-1","tables":["synthetic_events"]}\
                    """));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (files(firstTmp).stream().noneMatch(name -> name.startsWith("libduckdb_java"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(files(firstTmp)).as("DuckDB's native library is extracted into DIR/tmp/<pid>")
                .anyMatch(name -> name.startsWith("libduckdb_java"));
        first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no deleteOnExit
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(files(firstTmp)).as("what a SIGKILL leaves behind").isNotEmpty();
        Files.createDirectories(dir.resolve("tmp").resolve("notes"));

        Serve second = serve(script, dir);
        try {
            assertThat(firstTmp).as("the killed run's temp files").doesNotExist();
            assertThat(second.lines()).anyMatch(l -> l.startsWith("deleted " + firstTmp + ": ")
                    && l.endsWith("left by run " + killed + ", which ended without cleaning up"));
            assertThat(dir.resolve("tmp").resolve(Long.toString(second.process().pid()))).isDirectory();
            assertThat(dir.resolve("tmp").resolve("notes")).as("not a run's: left alone").isDirectory();
        } finally {
            second.process().toHandle().destroy();
            assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}

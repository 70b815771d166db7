package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.TestDirs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The real launcher script (local/sliceflow) running serve: its temporary files stay under DIR/tmp/<pid>, a SIGKILL
 * leaves them there, and the next serve deletes them. The launcher runs against a jar whose manifest points at this
 * test's class path, so no package step is needed.
 */
class LauncherTempDirTest {
    /** The launcher script in a copy of the repository layout, its jar running {@code mainClass} on this class path. */
    static Path launcher(String mainClass) throws IOException {
        Path root = TestDirs.create("launcher");
        Path local = Files.createDirectories(root.resolve("local").resolve("target"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
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

    private static ServeProcess serve(Path script, Path dir) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), "serve", "--dir", dir.toString(),
                "--s3-port", "0", "--sqs-port", "0").redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SLICEFLOW_JAVA", ProcessHandle.current().info().command().orElse("java"));
        builder.environment().put("SLICEFLOW_CDS", "off");
        builder.environment().remove("SLICEFLOW_JAVA_OPTS");
        return ServeProcess.start(builder);
    }

    /** The names of the files below {@code dir}. */
    private static List<String> files(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    @Test
    void serve_whenKilledAndStartedAgain_keptItsTempFilesInDirAndTheRestartDeletesThem() throws Exception {
        Path script = launcher(SliceflowCli.class.getName());
        Path dir = TestDirs.create("launcher-dir");

        ServeProcess first = serve(script, dir);
        long killed = first.process().pid();
        Path firstTmp = dir.resolve("tmp").resolve(Long.toString(killed));
        // the loader opens DuckDB (extracting its library) at its first load: sync a small slice
        try (SqsClient sqs = first.clients().sqs()) {
            sqs.sendMessage(b -> b.queueUrl(first.exports().get("SLICEFLOW_SYNC_QUEUE_URL")).messageBody("""
                    {"syncId":"tmp-1","syncTime":"2026-11-25T09:00:00Z","source":{"kind":"synthetic","options":\
                    {"rowsPerTable":"5"}},"account":"123456789012","region":"us-east-1","tables":["synthetic_events"]}\
                    """));
        }
        Await.within(Duration.ofSeconds(90), () -> files(firstTmp).stream()
                .anyMatch(name -> name.startsWith("libduckdb_java")));
        assertThat(files(firstTmp)).as("DuckDB's native library is extracted into DIR/tmp/<pid>")
                .anyMatch(name -> name.startsWith("libduckdb_java"));
        first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no deleteOnExit
        assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(files(firstTmp)).as("what a SIGKILL leaves behind").isNotEmpty();
        Files.createDirectories(dir.resolve("tmp").resolve("notes"));

        ServeProcess second = serve(script, dir);
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

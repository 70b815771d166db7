package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.runtime.AwsClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code sliceflow serve} in a process of its own, as users run it: read up to its "ready" line, keeping the lines
 * before it and the exports among them; what it prints afterwards is drained, so that it never blocks on a full pipe.
 */
record ServeProcess(Process process, List<String> lines, Map<String, String> exports) {
    /** The java command of serve on {@code dir} with free ports, and {@code more} options, on this class path. */
    static List<String> command(Path dir, String... more) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), SliceflowCli.class.getName(), "serve", "--dir",
                dir.toString(), "--s3-port", "0", "--sqs-port", "0"));
        command.addAll(List.of(more));
        return command;
    }

    /** Serve on {@code dir} with free ports and {@code more} options, its stderr to {@code stderr}. */
    static ServeProcess start(Path dir, ProcessBuilder.Redirect stderr, String... more) throws IOException {
        return start(new ProcessBuilder(command(dir, more)).redirectError(stderr));
    }

    /** Serve as {@code builder} starts it (the launcher script, say). */
    static ServeProcess start(ProcessBuilder builder) throws IOException {
        Process process = builder.start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        Map<String, String> exports = new HashMap<>();
        String line;
        while ((line = reader.readLine()) != null && !line.startsWith("ready")) {
            lines.add(line);
            if (line.startsWith("export ")) {
                String[] kv = line.substring("export ".length()).split("=", 2);
                exports.put(kv[0], kv[1].replaceAll("^'|'$", ""));
            }
        }
        assertThat(line).as("serve output: %s", lines).startsWith("ready");
        Thread.ofPlatform().daemon().start(() -> reader.lines().forEach(l -> { }));
        return new ServeProcess(process, lines, exports);
    }

    /** Clients of serve's S3 and SQS, with the region and credentials it exports. */
    AwsClients clients() {
        return new AwsClients(Region.of(exports.get("AWS_REGION")), StaticCredentialsProvider.create(
                AwsBasicCredentials.create(exports.get("AWS_ACCESS_KEY_ID"), exports.get("AWS_SECRET_ACCESS_KEY"))),
                Optional.of(URI.create(exports.get("AWS_ENDPOINT_URL_S3"))),
                Optional.of(URI.create(exports.get("AWS_ENDPOINT_URL_SQS"))));
    }

    /** SIGTERM (what Ctrl-C's shutdown path runs, keeping the output readable), and its exit within 30 s. */
    void stop() throws InterruptedException {
        process.toHandle().destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("serve exits on SIGTERM").isTrue();
    }
}

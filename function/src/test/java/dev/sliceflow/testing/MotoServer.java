package dev.sliceflow.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * moto's server mode (a Python implementation of the AWS APIs written by others) on loopback, started by the test
 * that needs it: {@code python3.11 -m moto.server -H 127.0.0.1 -p <free port>}. It serves every API on one port (S3
 * path-style): the aws source's tests and the lake's Glue catalog tests (through the function test-jar) share it.
 */
public final class MotoServer implements AutoCloseable {
    static final String PYTHON = "python3.11";
    private final Process process;
    private final int port;

    private MotoServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Whether python3.11 with moto and boto3 is installed; why not otherwise. */
    public static String missing() {
        try {
            Process check = new ProcessBuilder(PYTHON, "-c", "import moto.server, boto3, flask").redirectErrorStream(true)
                    .start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0 ? null
                    : PYTHON + " cannot import moto.server, boto3 and flask: " + output.strip();
        } catch (IOException e) {
            return PYTHON + " is not installed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public static MotoServer start(Path log) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        MotoServer server = new MotoServer(process, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto server exited at start; its log: " + log);
            }
            try (Socket ignored = new Socket("127.0.0.1", port)) {
                return server;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        server.close();
        throw new IllegalStateException("moto server did not listen on 127.0.0.1:" + port + " within 60 s");
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Runs a Python script file with the server's endpoint as its argument; returns its standard output. */
    public String run(Path script) throws Exception {
        return python(new java.util.ArrayList<>(List.of(PYTHON, script.toString(), endpoint().toString())));
    }

    /** Runs a Python script (boto3) with the server's endpoint, then {@code args}, as its arguments; returns its output. */
    public String run(String script, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON, "-c", script, endpoint().toString()));
        command.addAll(List.of(args));
        return python(command);
    }

    /** Creates an S3 bucket in the server, through boto3 (the second implementation's own client). */
    public void createBucket(String bucket) throws Exception {
        run("""
                import sys, boto3
                boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test',
                             aws_secret_access_key='test').create_bucket(Bucket=sys.argv[2])
                """, bucket);
    }

    private static String python(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("python script failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                    + ")");
        }
        return output;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}

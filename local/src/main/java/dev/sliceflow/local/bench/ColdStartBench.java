package dev.sliceflow.local.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.sliceflow.local.runtime.EmbeddedS3;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code bench/run coldstart [--runs N] [--jar PATH]}: time from JVM start to the first slice committed by the worker
 * handler, in fresh JVMs on the Lambda jar, beside a bare probe that builds the same clients and does one PutObject.
 * Medians of N runs each, interleaved so machine noise hits both alike.
 */
public final class ColdStartBench {
    /** Lambda's Java runtimes start the JVM with these; use them for both probes. */
    private static final List<String> LAMBDA_JVM_FLAGS = List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto");

    private ColdStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 7;
        Path jar = Path.of("function/target/sliceflow-function.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --runs N --jar PATH");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
        }
        Path probeClasses = Path.of(ColdStartProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path root = Files.createTempDirectory("sliceflow-bench-coldstart");
        EmbeddedS3 proxy = BenchSupport.startS3(root.resolve("s3"));
        try {
            S3Client s3 = S3Client.builder().region(Region.US_EAST_1)
                    .endpointOverride(java.net.URI.create("http://127.0.0.1:" + proxy.port()))
                    .forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(BenchSupport.ACCESS_KEY, BenchSupport.SECRET_KEY)))
                    .build();
            s3.createBucket(b -> b.bucket("coldstart"));
            Map<String, String> env = Map.of(
                    "AWS_REGION", "us-east-1",
                    "AWS_ACCESS_KEY_ID", BenchSupport.ACCESS_KEY,
                    "AWS_SECRET_ACCESS_KEY", BenchSupport.SECRET_KEY,
                    "SLICEFLOW_BUCKET", "coldstart",
                    "SLICEFLOW_S3_ENDPOINT", "http://127.0.0.1:" + proxy.port(),
                    "SLICEFLOW_SQS_ENDPOINT", "http://127.0.0.1:1",
                    "SLICEFLOW_WORK_DIR", root.resolve("work").toString());
            String classpath = jar.toAbsolutePath() + java.io.File.pathSeparator + probeClasses;
            List<Double> worker = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            run(classpath, env, "worker");
            run(classpath, env, "bare");
            for (int i = 0; i < runs; i++) {
                worker.add(run(classpath, env, "worker"));
                bare.add(run(classpath, env, "bare"));
            }
            double workerMs = median(worker);
            double bareMs = median(bare);
            double jarMb = Files.size(jar) / 1e6;
            System.out.printf(Locale.ROOT, "worker handler, JVM start to first slice committed (ms): %s%n", worker);
            System.out.printf(Locale.ROOT, "bare clients + one PutObject (ms): %s%n", bare);
            System.out.printf(Locale.ROOT, "coldstart: %.0f ms, bare-putobject %.0f ms, ratio %.2f, jar %.1f MB%n",
                    workerMs, bareMs, workerMs / bareMs, jarMb);
        } finally {
            proxy.close();
            BenchSupport.deleteRecursively(root);
        }
    }

    private static double run(String classpath, Map<String, String> env, String probe) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LAMBDA_JVM_FLAGS);
        command.addAll(List.of("-cp", classpath, ColdStartProbe.class.getName(), probe));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(env);
        long start = System.nanoTime();
        Process process = builder.start();
        StringBuilder output = new StringBuilder();
        double elapsed = -1;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.equals("committed")) {
                    elapsed = (System.nanoTime() - start) / 1e6;
                } else {
                    output.append(line).append('\n');
                }
            }
        }
        if (process.waitFor() != 0 || elapsed < 0) {
            throw new IllegalStateException("probe " + probe + " failed:\n" + output);
        }
        return Math.round(elapsed * 10) / 10.0;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

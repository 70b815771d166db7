package dev.sliceflow.lake.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.request.Compression;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import dev.sliceflow.testing.MotoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The lake loader as Lambda starts it: a fresh JVM on the shaded jar alone, the handler built by its no-arg
 * constructor from environment variables, one manifest's S3 event loaded into a Glue-catalogued lake (moto's Glue and
 * S3, loopback). In the build: one run, which must load (the jar's own zstd, Parquet writer, Glue and S3 clients,
 * together). With {@code -Dsliceflow.bench=true}: 5 runs of it beside 5 of a bare JVM on the same jar that builds the
 * S3 client and does one PutObject, and the line {@code coldstart-lake: <ms>, bare-putobject <ms>, ratio <r>}.
 */
class LakeLoaderColdStartIT {
    private static final String BUCKET = "coldstart-lake";
    private static final TableSchema ITEMS = new TableSchema("items", List.of(Column.required("id", ColumnType.LONG),
            Column.of("name", ColumnType.STRING), Column.of("at", ColumnType.TIMESTAMP)), List.of("id"));

    @Test
    void loaderJar_freshJvm_loadsAManifestIntoTheGlueLake() throws Exception {
        String missing = MotoServer.missing();
        Assumptions.assumeTrue(missing == null, () -> "skipped: moto's server is needed: " + missing);
        Path dir = Files.createTempDirectory(Path.of("target"), "coldstart-lake");
        boolean bench = Boolean.getBoolean("sliceflow.bench");
        int runs = bench ? 5 : 1;
        try (MotoServer moto = MotoServer.start(dir.resolve("moto.log"))) {
            URI endpoint = moto.endpoint();
            S3Client s3 = S3Client.builder().region(Region.US_EAST_1).endpointOverride(endpoint).forcePathStyle(true)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build();
            moto.createBucket(BUCKET);
            Map<String, String> env = Map.of(
                    "AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                    "AWS_EC2_METADATA_DISABLED", "true",
                    "SLICEFLOW_BUCKET", BUCKET,
                    "SLICEFLOW_S3_ENDPOINT", endpoint.toString(),
                    "SLICEFLOW_SQS_ENDPOINT", "http://127.0.0.1:1",
                    "SLICEFLOW_WAREHOUSE_URL", "iceberg:glue?warehouse=s3://" + BUCKET + "/lake/&namespace=sliceflow"
                            + "&glue.endpoint=" + endpoint + "&s3.endpoint=" + endpoint + "&s3.path-style-access=true",
                    "SLICEFLOW_WORK_DIR", dir.resolve("work").toString());
            List<Double> loader = new ArrayList<>();
            List<Double> bare = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                // a new slice each run: every run loads (a replay would be skipped, and cheaper)
                List<List<Object>> rows = new ArrayList<>();
                for (long r = 0; r < 100; r++) {
                    rows.add(ManifestFixtures.row(r, "item " + r, Instant.parse("2026-12-01T00:00:00Z").plusSeconds(r)));
                }
                Fixture f = ManifestFixtures.manifest("coldstart", Instant.parse("2026-12-01T00:00:00Z"))
                        .account(String.format("%012d", i)).compression(Compression.GZIP).table(ITEMS, rows).build();
                f.upload(s3, BUCKET);
                loader.add(run(env, dir, "loader", BUCKET, f.key()));
                bare.add(run(env, dir, "bare"));
            }
            assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("lake/")).contents())
                    .as("the lake's files").anyMatch(o -> o.key().endsWith(".parquet"));
            double loaderMs = median(loader);
            double bareMs = median(bare);
            System.out.printf(Locale.ROOT, "lake loader, fresh JVM to first manifest committed (ms): %s%n", loader);
            System.out.printf(Locale.ROOT, "bare S3 client + one PutObject (ms): %s%n", bare);
            System.out.printf(Locale.ROOT, "coldstart-lake: %.0f ms, bare-putobject %.0f ms, ratio %.2f, jar %.1f MB%n",
                    loaderMs, bareMs, loaderMs / bareMs, Files.size(LakeLoaderJarIT.JAR) / 1e6);
        }
    }

    private static double run(Map<String, String> env, Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Lambda's Java runtime starts the JVM with tiered compilation stopped at C1
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", LakeLoaderJarIT.JAR + java.io.File.pathSeparator + Path.of("target", "test-classes"),
                LakeLoaderColdStartProbe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("AWS_") || key.startsWith("SLICEFLOW_"));
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
        Files.writeString(dir.resolve(args[0] + ".log"), output);
        assertThat(process.waitFor()).as(output.toString()).isZero();
        assertThat(elapsed).as(output.toString()).isPositive();
        return Math.round(elapsed);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}

package dev.sliceflow.lake.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import dev.sliceflow.testing.MotoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs after `package`: the lake loader's jar fits its budget, carries the loader and the lake, and works on its own
 * (the trimmed Hadoop and the catalogs' clients); the worker's jar stays free of all of it.
 */
class LakeLoaderJarIT {
    static final Path JAR = Path.of("target", "sliceflow-lake-loader.jar");
    static final Path WORKER_JAR = Path.of("..", "function", "target", "sliceflow-function.jar");
    /** 150 MiB unzipped: Lambda's limit is 250 MB unzipped, function code and layers together. */
    static final long MAX_UNZIPPED_BYTES = 150L << 20;
    static final long MAX_WORKER_BYTES = 20L << 20;
    static final String PROVIDERS = "META-INF/services/dev.sliceflow.warehouse.WarehouseProvider";

    @TempDir
    Path dir;

    static List<ZipEntry> entries(Path jar) throws IOException {
        assertThat(jar).as("build it first: ./mvnw -pl function,lake package").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry.class::cast).toList();
        }
    }

    static List<String> names(Path jar) throws IOException {
        return entries(jar).stream().map(ZipEntry::getName).toList();
    }

    @Test
    void jar_whenPackaged_isAtMost150MiBUnzipped() throws IOException {
        long unzipped = entries(JAR).stream().mapToLong(ZipEntry::getSize).sum();
        System.out.printf("lake loader jar: %.1f MiB unzipped, %.1f MiB zipped%n", unzipped / 1048576.0,
                Files.size(JAR) / 1048576.0);
        assertThat(unzipped).isLessThanOrEqualTo(MAX_UNZIPPED_BYTES);
    }

    @Test
    void jar_whenPackaged_holdsTheLoaderTheCatalogsAndTheirClients() throws IOException {
        assertThat(names(JAR)).contains(
                "dev/sliceflow/loader/LoaderHandler.class",
                "dev/sliceflow/lake/catalog/LakeCatalogs.class",
                "org/apache/iceberg/aws/glue/GlueCatalog.class",
                "org/apache/iceberg/aws/s3/S3FileIO.class",
                "org/apache/iceberg/rest/RESTCatalog.class",
                "org/apache/iceberg/jdbc/JdbcCatalog.class",
                "software/amazon/awssdk/services/glue/GlueClient.class",
                "software/amazon/awssdk/services/kms/model/EncryptionAlgorithmSpec.class",
                "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
                "org/apache/parquet/hadoop/ParquetFileWriter.class",
                PROVIDERS);
        assertThat(names(JAR)).noneMatch(name -> name.startsWith("io/netty/")
                || name.startsWith("software/amazon/awssdk/http/apache")
                || name.startsWith("software/amazon/awssdk/http/nio/netty")
                || name.startsWith("org/duckdb/") || name.startsWith("org/gaul/") || name.startsWith("org/eclipse/jetty/"));
    }

    /** Every class of the lake module (IcebergWarehouseProvider among them) and its provider registration. */
    @Test
    void jar_whenPackaged_holdsEveryLakeClassAndRegistersItsWarehouseProviders() throws IOException {
        Path classes = Path.of("target", "classes");
        List<String> lakeClasses;
        try (Stream<Path> walk = Files.walk(classes)) {
            lakeClasses = walk.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replace('\\', '/')).toList();
        }
        assertThat(names(JAR)).containsAll(lakeClasses);
        String registered;
        try (JarFile file = new JarFile(JAR.toFile())) {
            registered = new String(file.getInputStream(file.getEntry(PROVIDERS)).readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(registered).contains("dev.sliceflow.warehouse.PostgresWarehouseProvider");
        Path lakeProviders = classes.resolve(PROVIDERS);
        if (Files.exists(lakeProviders)) {
            for (String provider : Files.readAllLines(lakeProviders)) {
                if (!provider.isBlank() && !provider.startsWith("#")) {
                    assertThat(registered).contains(provider.strip());
                }
            }
        }
    }

    @Test
    void workerJar_whenPackaged_staysAtMost20MiBWithoutIcebergHadoopOrParquet() throws IOException {
        assertThat(Files.size(WORKER_JAR)).isLessThanOrEqualTo(MAX_WORKER_BYTES);
        assertThat(names(WORKER_JAR)).noneMatch(name -> name.startsWith("org/apache/iceberg/")
                || name.startsWith("org/apache/hadoop/") || name.startsWith("org/apache/parquet/")
                || name.startsWith("shaded/parquet/") || name.startsWith("dev/sliceflow/lake/")
                || name.startsWith("software/amazon/awssdk/services/glue/"));
    }

    /**
     * The jar on its own (plus the test classes, none of which it lacks otherwise): Parquet in every codec through
     * Iceberg, and with moto the Glue catalog and S3FileIO, credentials from the environment as in Lambda.
     */
    @Test
    void jar_onItsOwn_writesCommitsAndReadsEveryCodecAndTheGlueCatalog() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", JAR + java.io.File.pathSeparator + Path.of("target", "test-classes"),
                "dev.sliceflow.lake.catalog.LakeJarProbe"));
        MotoServer moto = null;
        try {
            String missing = MotoServer.missing();
            if (missing == null) {
                moto = MotoServer.start(dir.resolve("moto.log"));
                moto.createBucket("probe-lake");
                command.addAll(List.of(moto.endpoint().toString(), "probe-lake"));
            } else {
                System.out.println("the probe checks Parquet only, not the Glue catalog: " + missing);
            }
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("probe.log").toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(key -> key.startsWith("AWS_"));
            env.putAll(Map.of("AWS_REGION", "us-east-1", "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test",
                    "AWS_EC2_METADATA_DISABLED", "true"));
            Process probe = builder.start();
            boolean done = probe.waitFor(300, TimeUnit.SECONDS);
            String log = Files.readString(dir.resolve("probe.log"));
            System.out.println(log);
            assertThat(done).as("probe finished within 300 s").isTrue();
            assertThat(probe.exitValue()).as(log).isZero();
            assertThat(log).contains("probe: all checks passed");
        } finally {
            if (moto != null) {
                moto.close();
            }
        }
    }

}

package dev.sliceflow.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** Runs after `package`: the jar Lambda gets stays lean and carries both handlers. */
class LambdaJarIT {
    private static final Path JAR = Path.of("target", "sliceflow-function.jar");
    private static final long MAX_BYTES = 20L << 20;

    private static List<String> entries() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            return jar.stream().map(ZipEntry::getName).toList();
        }
    }

    @Test
    void jar_whenPackaged_isAtMost20MiB() throws IOException {
        assertThat(Files.size(JAR)).isLessThanOrEqualTo(MAX_BYTES);
    }

    @Test
    void jar_whenPackaged_holdsNoEmulatorWarehouseEngineOrSecondHttpClient() throws IOException {
        assertThat(entries()).noneMatch(name -> name.startsWith("io/netty/")
                || name.startsWith("org/apache/http/")
                || name.startsWith("org/apache/hc/")
                || name.startsWith("software/amazon/awssdk/http/apache")
                || name.startsWith("software/amazon/awssdk/http/nio/netty")
                || name.startsWith("org/duckdb/")
                || name.startsWith("org/gaul/")
                || name.startsWith("org/elasticmq/")
                || name.startsWith("org/jclouds/")
                || name.startsWith("org/springframework/")
                || name.startsWith("org/aspectj/")
                || name.startsWith("com/google/inject/"));
    }

    @Test
    void jar_whenPackaged_containsBothHandlersAndTheUrlConnectionClient() throws IOException {
        assertThat(entries()).contains(
                "dev/sliceflow/worker/WorkerHandler.class",
                "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class");
    }
}

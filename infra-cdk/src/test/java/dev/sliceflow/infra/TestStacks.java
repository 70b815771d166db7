package dev.sliceflow.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/** Builds the stack the way the app does, from context, against a small stand-in for the Lambda jar. */
final class TestStacks {
    /**
     * A stand-in for function/target/sliceflow-function.jar, so that this module's tests need no build of
     * `function`. Relative to infra-cdk/, where both surefire and the CDK CLI run the app: synth-check.sh passes the
     * same path, so both templates carry the same asset hash.
     */
    static final Path DUMMY_JAR = Path.of("target/synth-check/function.jar");
    /** A stand-in for lake/target/sliceflow-lake-loader.jar, likewise (synth-check.sh passes it to the lake variant). */
    static final Path DUMMY_LAKE_JAR = Path.of("target/synth-check/lake-loader.jar");

    private TestStacks() {
    }

    static Template template(Map<String, Object> context) {
        return Template.fromStack(stack(context));
    }

    static SliceflowStack stack(Map<String, Object> context) {
        return SliceflowApp.createStack(app(context));
    }

    /** A destination, which every stack needs (synth refuses one without): what most tests and synth-check give. */
    static final String WAREHOUSE_URL = "jdbc:postgresql://warehouse.internal:5432/analytics";

    /** cdk.json, where the CLI reads the app's feature flags from. */
    static final Path CDK_JSON = Path.of("cdk.json");

    /**
     * An app with cdk.json's context (the feature flags the CLI passes), the stand-in jar, and the given context,
     * which must name its destination (see {@link #withDestination}).
     */
    static App app(Map<String, Object> context) {
        Map<String, Object> all = new HashMap<>(cdkJsonContext());
        all.put("functionJar", dummyJar().toString());
        if (!context.containsKey("warehouseUrl") && !context.containsKey("warehouseSecretArn")) {
            all.put("lakeLoaderJar", dummyJar(DUMMY_LAKE_JAR, "sliceflow-lake-loader.jar").toString());
        }
        all.putAll(context);
        return App.Builder.create().context(all).build();
    }

    /** The context plus the default destination, unless it names one. */
    static Map<String, Object> withDestination(Map<String, Object> context) {
        Map<String, Object> all = new HashMap<>(context);
        if (!all.containsKey("warehouseSecretArn")) {
            all.putIfAbsent("warehouseUrl", WAREHOUSE_URL);
        }
        return all;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cdkJsonContext() {
        try {
            Map<String, Object> json = new ObjectMapper().readValue(CDK_JSON.toFile(), Map.class);
            return (Map<String, Object>) json.getOrDefault("context", Map.of());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + CDK_JSON.toAbsolutePath(), e);
        }
    }

    static Path dummyJar() {
        return dummyJar(DUMMY_JAR, "sliceflow-function.jar");
    }

    /** The same bytes on every run (fixed entry time), so the asset hash is stable. */
    static synchronized Path dummyJar(Path jar, String standsFor) {
        try {
            Files.createDirectories(jar.getParent());
            try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
                ZipEntry entry = new ZipEntry("README.txt");
                entry.setLastModifiedTime(FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
                zip.putNextEntry(entry);
                zip.write(("Stand-in for " + standsFor + " in infra-cdk tests; not deployable.\n")
                        .getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the stand-in jar " + jar.toAbsolutePath(), e);
        }
    }
}

package dev.sliceflow.infra;

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

    private TestStacks() {
    }

    static Template template(Map<String, Object> context) {
        return Template.fromStack(stack(context));
    }

    static SliceflowStack stack(Map<String, Object> context) {
        return SliceflowApp.createStack(app(context));
    }

    static App app(Map<String, Object> context) {
        Map<String, Object> all = new HashMap<>();
        all.put("functionJar", dummyJar().toString());
        all.putAll(context);
        return App.Builder.create().context(all).build();
    }

    /** The same bytes on every run (fixed entry time), so the asset hash is stable. */
    static synchronized Path dummyJar() {
        try {
            Files.createDirectories(DUMMY_JAR.getParent());
            try (OutputStream out = Files.newOutputStream(DUMMY_JAR); ZipOutputStream zip = new ZipOutputStream(out)) {
                ZipEntry entry = new ZipEntry("README.txt");
                entry.setLastModifiedTime(FileTime.from(Instant.parse("2026-01-01T00:00:00Z")));
                zip.putNextEntry(entry);
                zip.write("Stand-in for sliceflow-function.jar in infra-cdk tests; not deployable.\n"
                        .getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return DUMMY_JAR;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the stand-in jar " + DUMMY_JAR.toAbsolutePath(), e);
        }
    }
}

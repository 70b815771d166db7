package dev.sliceflow.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories under java.io.tmpdir (target/tmp in the build, which may not exist yet). */
public final class TestDirs {
    private TestDirs() {
    }

    public static Path create(String prefix) throws IOException {
        Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        return Files.createTempDirectory(root, prefix);
    }
}

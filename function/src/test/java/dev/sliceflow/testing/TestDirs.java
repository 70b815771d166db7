package dev.sliceflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh directories under java.io.tmpdir (target/ in the build, which may not exist yet). */
public final class TestDirs {
    private TestDirs() {
    }

    /** A new, empty directory whose name starts with {@code prefix}; java.io.tmpdir created first if need be. */
    public static Path create(String prefix) {
        try {
            Path root = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            return Files.createTempDirectory(root, prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory " + prefix + "* under java.io.tmpdir", e);
        }
    }
}

package dev.sliceflow.local.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The launcher (local/sliceflow) gives each run {@code DIR/tmp/<pid>} as its java.io.tmpdir: DuckDB extracts its
 * native library there (~80 MB) and the loader keeps the part it is loading there. A run that ends normally leaves at
 * most an empty directory; one killed with SIGKILL leaves everything. {@code serve} and {@code demo} delete the
 * directories of runs that no longer exist when they start.
 */
final class StaleTempFiles {
    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");

    private StaleTempFiles() {
    }

    /** The temp directory of run {@code pid} in {@code dataDir}: where the launcher points java.io.tmpdir. */
    static Path of(Path dataDir, long pid) {
        return dataDir.resolve("tmp").resolve(Long.toString(pid));
    }

    /**
     * Deletes {@code DIR/tmp/<pid>} for every pid that is not a live process; leaves anything else in DIR/tmp alone.
     *
     * @return the bytes freed
     */
    static long clean(Path dataDir, PrintWriter out) {
        Path tmp = dataDir.resolve("tmp");
        if (!Files.isDirectory(tmp)) {
            return 0;
        }
        long freed = 0;
        try (Stream<Path> runs = Files.list(tmp)) {
            for (Path run : runs.toList()) {
                String name = run.getFileName().toString();
                if (!PID.matcher(name).matches() || !Files.isDirectory(run)
                        || ProcessHandle.of(Long.parseLong(name)).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                long bytes = delete(run);
                freed += bytes;
                if (bytes > 0) {
                    out.printf("deleted %s: %,d bytes of temporary files left by run %s, which ended without cleaning"
                            + " up%n", run, bytes, name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + tmp, e);
        }
        return freed;
    }

    private static long delete(Path root) throws IOException {
        long bytes = 0;
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            if (Files.isRegularFile(path)) {
                bytes += Files.size(path);
            }
            Files.deleteIfExists(path);
        }
        return bytes;
    }
}

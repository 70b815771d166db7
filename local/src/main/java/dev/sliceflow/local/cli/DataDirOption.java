package dev.sliceflow.local.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The option every command shares: where local data lives. */
final class DataDirOption {
    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "./sliceflow-data",
            description = {"Local data: s3/ (the bucket's objects), work/, warehouse.duckdb, env.sh.",
                    "Default: ${DEFAULT-VALUE}"})
    Path dir;

    Path dir() {
        return dir.toAbsolutePath().normalize();
    }
}

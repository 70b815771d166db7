package dev.sliceflow.local.cli;

import dev.sliceflow.runtime.Settings;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import picocli.CommandLine.Option;

/** The option of the commands that read the warehouse, and the settings they read it with. */
final class WarehouseOption {
    @Option(names = "--warehouse", description = "JDBC URL, a lake URL (iceberg:...), or iceberg for the lake in --dir "
            + "(default: SLICEFLOW_WAREHOUSE_URL, or DuckDB in --dir).")
    String url;

    @Option(names = "--warehouse-user", description = "Its user (default: SLICEFLOW_WAREHOUSE_USER); the password "
            + "comes from SLICEFLOW_WAREHOUSE_PASSWORD, never from the command line.")
    String user;

    /** Settings for reading: no bucket or region is needed to open a warehouse, so neither is required. */
    Settings settings(Path dir, Map<String, String> more) {
        String resolved = dev.sliceflow.local.lake.LocalLake.NAME.equals(url)
                ? dev.sliceflow.local.lake.LocalLake.url(dir,
                dev.sliceflow.local.runtime.LocalRuntimeConfig.DEFAULT_BUCKET) : url;
        Map<String, String> env = CliEnvironment.settings(dir, Collections.singletonMap("SLICEFLOW_WAREHOUSE_URL", resolved));
        if (user != null) {
            env.put("SLICEFLOW_WAREHOUSE_USER", user);
        }
        more.forEach((key, value) -> {
            if (value != null) {
                env.put(key, value);
            }
        });
        env.putIfAbsent("SLICEFLOW_BUCKET", "-");
        env.putIfAbsent("AWS_REGION", "us-east-1");
        return Settings.from(env);
    }
}

package dev.sliceflow.local.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings a command runs with, as the Lambda functions get them: the process environment (real AWS: the default
 * credential chain, AWS_REGION, SLICEFLOW_*), then the exports of a running {@code serve} in {@code DIR/env.sh} when
 * there is one (local mode), then the command's own options. The warehouse defaults to DuckDB in DIR.
 */
final class CliEnvironment {
    private CliEnvironment() {
    }

    static Map<String, String> settings(Path dir, Map<String, String> options) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.putAll(serveExports(dir));
        copyIfAbsent(env, "AWS_ENDPOINT_URL_S3", "SLICEFLOW_S3_ENDPOINT");
        copyIfAbsent(env, "AWS_ENDPOINT_URL_SQS", "SLICEFLOW_SQS_ENDPOINT");
        copyIfAbsent(env, "AWS_DEFAULT_REGION", "AWS_REGION");
        env.putIfAbsent("SLICEFLOW_WAREHOUSE_URL", "jdbc:duckdb:" + dir.resolve("warehouse.duckdb"));
        env.putIfAbsent("SLICEFLOW_WORK_DIR", dir.resolve("work").resolve("cli").toString());
        options.forEach((key, value) -> {
            if (value != null) {
                env.put(key, value);
            }
        });
        return env;
    }

    /** The {@code export KEY=value} lines a running serve wrote to DIR/env.sh; empty when none runs there. */
    static Map<String, String> serveExports(Path dir) {
        Path file = dir.resolve("env.sh");
        Map<String, String> exports = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return exports;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.startsWith("export ") || !line.contains("=")) {
                    continue;
                }
                String assignment = line.substring("export ".length());
                int eq = assignment.indexOf('=');
                exports.put(assignment.substring(0, eq), unquote(assignment.substring(eq + 1)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return exports;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
            return value.substring(1, value.length() - 1).replace("'\\''", "'");
        }
        return value;
    }

    private static void copyIfAbsent(Map<String, String> env, String from, String to) {
        if (env.containsKey(from) && !env.containsKey(to)) {
            env.put(to, env.get(from));
        }
    }
}

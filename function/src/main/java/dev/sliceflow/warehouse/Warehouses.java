package dev.sliceflow.warehouse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Json;
import dev.sliceflow.runtime.Settings;
import java.io.IOException;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** Picks the warehouse for the settings: the composition root's one place for warehouse configuration. */
public final class Warehouses {
    private Warehouses() {
    }

    /**
     * The configuration from the settings: with SLICEFLOW_WAREHOUSE_SECRET_ARN, user and password (and, without
     * SLICEFLOW_WAREHOUSE_URL, host, port and dbname) come from the secret, in the RDS JSON shape; else from
     * SLICEFLOW_WAREHOUSE_URL / _USER / _PASSWORD.
     *
     * @param secrets the Secrets Manager client, built only when a secret is configured
     */
    public static WarehouseConfig config(Settings settings, Supplier<SecretsManagerClient> secrets) {
        if (settings.warehouseSecretArn().isPresent()) {
            String arn = settings.warehouseSecretArn().get();
            String json = secrets.get().getSecretValue(b -> b.secretId(arn)).secretString();
            return fromSecret(arn, json, settings.warehouseUrl()).withRegion(settings.region().id());
        }
        String url = settings.warehouseUrl().orElseThrow(() -> new InvalidInputException(
                "SLICEFLOW_WAREHOUSE_URL is not set (nor SLICEFLOW_WAREHOUSE_SECRET_ARN)"));
        return new WarehouseConfig(url, settings.warehouseUser(), settings.warehousePassword())
                .withRegion(settings.region().id());
    }

    /** Reads an RDS-shaped secret: {"host", "port", "username", "password", "dbname"}. */
    static WarehouseConfig fromSecret(String arn, String json, Optional<String> url) {
        JsonNode secret;
        try {
            secret = Json.mapper().readTree(json);
        } catch (IOException e) {
            // the message could quote the secret: do not include it
            throw new InvalidInputException("secret " + arn + " is not JSON");
        }
        String user = text(secret, "username", arn);
        String password = text(secret, "password", arn);
        String jdbcUrl = url.orElseGet(() -> "jdbc:postgresql://" + text(secret, "host", arn) + ":"
                + (secret.hasNonNull("port") ? secret.get("port").asText() : "5432") + "/"
                + (secret.hasNonNull("dbname") ? secret.get("dbname").asText() : "postgres"));
        return new WarehouseConfig(jdbcUrl, Optional.of(user), Optional.of(password));
    }

    private static String text(JsonNode secret, String field, String arn) {
        JsonNode node = secret.get(field);
        if (node == null || node.isNull() || node.asText().isEmpty()) {
            throw new InvalidInputException("secret " + arn + " has no " + field);
        }
        return node.asText();
    }

    /**
     * Opens the warehouse whose provider accepts the URL.
     *
     * @throws InvalidInputException when none does (e.g. jdbc:duckdb: without the local module on the classpath)
     */
    public static Warehouse open(WarehouseConfig config) {
        return open(config, () -> config);
    }

    /**
     * Opens the warehouse whose provider accepts the URL; {@code refresh} is asked for the current configuration when
     * the warehouse refuses the credentials (see {@link WarehouseProvider#open(WarehouseConfig, Supplier)}).
     */
    public static Warehouse open(WarehouseConfig config, Supplier<WarehouseConfig> refresh) {
        for (WarehouseProvider provider : ServiceLoader.load(WarehouseProvider.class)) {
            if (provider.accepts(config.url())) {
                return provider.open(config, refresh);
            }
        }
        throw new InvalidInputException("no warehouse for " + config.url()
                + ": jdbc:postgresql: is built in; jdbc:duckdb: needs the local module on the classpath; iceberg: (a"
                + " lake) needs the lake loader's jar, lake/target/sliceflow-lake-loader.jar");
    }
}

package dev.sliceflow.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WarehousesTest {
    private static final String ARN = "arn:aws:secretsmanager:us-east-1:111122223333:secret:sliceflow-db-AbCdEf";

    @Test
    void config_fromSettings_carriesTheSettingsRegionNotTheProcesses() {
        dev.sliceflow.runtime.Settings settings = dev.sliceflow.runtime.Settings.from(java.util.Map.of(
                "AWS_REGION", "ap-southeast-2", "SLICEFLOW_BUCKET", "b",
                "SLICEFLOW_WAREHOUSE_URL", "iceberg:glue?warehouse=s3://b/lake/"));
        WarehouseConfig config = Warehouses.config(settings, () -> {
            throw new AssertionError("no secret is configured");
        });
        assertThat(config.region()).contains("ap-southeast-2");
    }

    @Test
    void open_whenNoProviderTakesTheUrl_saysWhichJarDoes() {
        // the function jar has no lake: the message must send the user to the lake loader's jar
        assertThatThrownBy(() -> Warehouses.open(new WarehouseConfig("iceberg:glue?warehouse=s3://b/lake/",
                Optional.empty(), Optional.empty())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("sliceflow-lake-loader.jar");
    }

    @Test
    void fromSecret_rdsShape_buildsThePostgresUrlAndCredentials() {
        WarehouseConfig config = Warehouses.fromSecret(ARN, """
                {"engine":"postgres","host":"db.cluster-x.us-east-1.rds.amazonaws.com","port":5432,
                 "username":"loader","password":"s3cr3t!","dbname":"warehouse"}""", Optional.empty());

        assertThat(config.url()).isEqualTo("jdbc:postgresql://db.cluster-x.us-east-1.rds.amazonaws.com:5432/warehouse");
        assertThat(config.user()).contains("loader");
        assertThat(config.password()).contains("s3cr3t!");
        assertThat(config.toString()).doesNotContain("s3cr3t!").contains("****");
    }

    @Test
    void fromSecret_whenTheUrlIsConfigured_takesOnlyTheCredentials() {
        WarehouseConfig config = Warehouses.fromSecret(ARN, "{\"username\":\"u\",\"password\":\"p\"}",
                Optional.of("jdbc:postgresql://proxy:5432/db?sslmode=require"));

        assertThat(config.url()).isEqualTo("jdbc:postgresql://proxy:5432/db?sslmode=require");
    }

    @Test
    void fromSecret_whenAFieldIsMissingOrTheJsonIsBroken_saysWhichWithoutQuotingTheSecret() {
        assertThatThrownBy(() -> Warehouses.fromSecret(ARN, "{\"username\":\"u\",\"host\":\"h\"}", Optional.empty()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no password");
        assertThatThrownBy(() -> Warehouses.fromSecret(ARN, "{\"password\":\"hunter2\"", Optional.empty()))
                .isInstanceOf(InvalidInputException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void open_whenTheUrlIsDuckDbWithoutTheLocalModule_saysSo() {
        assertThatThrownBy(() -> Warehouses.open(new WarehouseConfig("jdbc:duckdb:/tmp/x.duckdb", Optional.empty(),
                Optional.empty())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("local module");
    }

    @Test
    void open_whenTheUrlIsPostgres_opensWithoutConnecting() {
        try (Warehouse warehouse = Warehouses.open(new WarehouseConfig("jdbc:postgresql://127.0.0.1:1/x",
                Optional.empty(), Optional.empty()))) {
            assertThat(((SqlWarehouse) warehouse).dialect()).isInstanceOf(PostgresDialect.class);
        }
    }
}

package dev.sliceflow.lake.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LakeUrlTest {
    @Test
    void glueNeedsAWarehouseAndDefaultsTheNamespace() {
        LakeUrl lake = LakeUrl.parse("iceberg:glue?warehouse=s3://b/lake/");
        assertThat(lake.catalog()).isEqualTo(LakeUrl.Catalog.GLUE);
        assertThat(lake.uri()).isEmpty();
        assertThat(lake.namespace()).isEqualTo("sliceflow");
        assertThat(lake.properties()).containsEntry("warehouse", "s3://b/lake/").doesNotContainKey("namespace");
        assertThatThrownBy(() -> LakeUrl.parse("iceberg:glue")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("warehouse=");
    }

    @Test
    void jdbcAndRestCarryTheirCatalogUri() {
        LakeUrl jdbc = LakeUrl.parse("iceberg:jdbc:sqlite:/d/c.db?warehouse=s3://b/l/&namespace=inv&s3.endpoint=http://127.0.0.1:9");
        assertThat(jdbc.uri()).isEqualTo(Optional.of("jdbc:sqlite:/d/c.db"));
        assertThat(jdbc.namespace()).isEqualTo("inv");
        assertThat(jdbc.properties()).containsEntry("s3.endpoint", "http://127.0.0.1:9");
        LakeUrl rest = LakeUrl.parse("iceberg:rest:https://glue.us-east-1.amazonaws.com/iceberg?rest.sigv4-enabled=true");
        assertThat(rest.uri()).isEqualTo(Optional.of("https://glue.us-east-1.amazonaws.com/iceberg"));
        assertThatThrownBy(() -> LakeUrl.parse("iceberg:rest:ftp://x")).hasMessageContaining("http(s) URL");
    }

    @Test
    void badInputIsNamedAndSecretsNeverShown() {
        assertThatThrownBy(() -> LakeUrl.parse("iceberg:hive?warehouse=x")).hasMessageContaining("'hive'");
        assertThatThrownBy(() -> LakeUrl.parse("iceberg:glue?warehouse=x&namespace=Bad-Name"))
                .hasMessageContaining("Bad-Name");
        assertThatThrownBy(() -> LakeUrl.parse("iceberg:glue?warehouse=x&warehouse=y")).hasMessageContaining("repeated");
        LakeUrl lake = LakeUrl.parse("iceberg:jdbc:sqlite:/c.db?warehouse=s3://b/&s3.secret-access-key=hunter2");
        assertThat(lake.toString()).doesNotContain("hunter2").contains("s3.secret-access-key=****");
        assertThatThrownBy(() -> LakeUrl.parse("iceberg:jdbc:sqlite:/c.db?s3.secret-access-key=hunter2"))
                .hasMessageNotContaining("hunter2");
    }
}

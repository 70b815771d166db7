package dev.sliceflow.lake.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LakeCatalogsTest {
    @Test
    void properties_inAws_areUrlConnectionS3FileIoAndTheRegionWithVirtualHostedS3() {
        Map<String, String> props = LakeCatalogs.properties(
                LakeUrl.parse("iceberg:glue?warehouse=s3://b/lake&namespace=sliceflow"), "eu-west-1");
        assertThat(props).containsEntry("io-impl", "org.apache.iceberg.aws.s3.S3FileIO")
                .containsEntry("http-client.type", "urlconnection").containsEntry("client.region", "eu-west-1")
                .containsEntry("warehouse", "s3://b/lake").doesNotContainKey("s3.path-style-access")
                .doesNotContainKey("s3.client-factory-impl")
                .doesNotContainKey("uri").doesNotContainKey("namespace");
    }

    @Test
    void properties_withAnS3Endpoint_usePathStyleAndPlainBodiesUnlessTheUrlSaysOtherwise() {
        assertThat(LakeCatalogs.properties(LakeUrl.parse(
                "iceberg:glue?warehouse=s3://b/l&s3.endpoint=http://127.0.0.1:9000"), "us-east-1"))
                .containsEntry("s3.path-style-access", "true")
                .containsEntry("s3.client-factory-impl", UnchunkedS3ClientFactory.class.getName());
        assertThat(LakeCatalogs.properties(LakeUrl.parse(
                "iceberg:glue?warehouse=s3://b/l&s3.endpoint=https://s3.example&s3.path-style-access=false"),
                "us-east-1")).containsEntry("s3.path-style-access", "false");
    }

    @Test
    void properties_ofTheUrl_overrideTheDefaults() {
        Map<String, String> props = LakeCatalogs.properties(LakeUrl.parse(
                "iceberg:rest:https://glue.eu-west-1.amazonaws.com/iceberg?client.region=us-west-2"
                        + "&http-client.type=urlconnection&rest.sigv4-enabled=true"), "eu-west-1");
        assertThat(props).containsEntry("client.region", "us-west-2")
                .containsEntry("uri", "https://glue.eu-west-1.amazonaws.com/iceberg")
                .containsEntry("rest.sigv4-enabled", "true");
        assertThat(LakeCatalogs.properties(LakeUrl.parse("iceberg:jdbc:sqlite:/d/c.db?warehouse=s3://b/l"), "x"))
                .containsEntry("uri", "jdbc:sqlite:/d/c.db").containsEntry("jdbc.schema-version", "V1");
    }
}

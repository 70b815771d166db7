package dev.sliceflow.lake.catalog;

import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.glue.GlueCatalog;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;

/** Opens the Iceberg catalog a {@link LakeUrl} names; table data goes through S3FileIO in every case. */
public final class LakeCatalogs {
    private LakeCatalogs() {
    }

    public static Catalog open(LakeUrl lake) {
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
        // the one HTTP client the project ships (apache and netty are excluded from the jars)
        props.put(HttpClientProperties.CLIENT_TYPE, HttpClientProperties.CLIENT_TYPE_URLCONNECTION);
        lake.uri().ifPresent(uri -> props.put(CatalogProperties.URI, uri));
        props.putAll(lake.properties());
        Catalog catalog = switch (lake.catalog()) {
            case GLUE -> new GlueCatalog();
            case REST -> new RESTCatalog();
            case JDBC -> new JdbcCatalog();
        };
        if (catalog instanceof org.apache.iceberg.catalog.SupportsNamespaces && lake.catalog() == LakeUrl.Catalog.JDBC) {
            props.putIfAbsent(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
        }
        props.putIfAbsent(AwsClientProperties.CLIENT_REGION, System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        catalog.initialize("sliceflow", props);
        return catalog;
    }
}

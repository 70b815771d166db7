package dev.sliceflow.lake.catalog;

import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.HttpClientProperties;
import org.apache.iceberg.aws.glue.GlueCatalog;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;

/**
 * Opens the Iceberg catalog a {@link LakeUrl} names; table data goes through S3FileIO in every case.
 *
 * <p>Defaults, each overridden by the same key in the URL:
 * <ul>
 *   <li>{@code http-client.type=urlconnection}: the one SDK HTTP client the jars ship (apache and netty are
 *       excluded), for the Glue, S3 and STS clients Iceberg builds;</li>
 *   <li>{@code client.region}: the region given (Lambda's {@code AWS_REGION});</li>
 *   <li>{@code s3.path-style-access=true} when {@code s3.endpoint} is set: an explicit S3 endpoint is an emulator or
 *       a local store (moto, s3proxy, MinIO), none of which serve virtual-hosted bucket names; in AWS the URL sets
 *       no endpoint and S3 is addressed virtual-hosted, as AWS wants;</li>
 *   <li>{@code s3.client-factory-impl} = {@link UnchunkedS3ClientFactory} when {@code s3.endpoint} is set: plain
 *       request bodies for the same stores, as the handlers' own S3 client sends them there;</li>
 *   <li>for {@code jdbc}, the catalog schema V1 (view support), so a new catalog database is created current.</li>
 * </ul>
 */
public final class LakeCatalogs {
    /** The catalog's name inside Iceberg (it appears in metrics and logs only). */
    public static final String CATALOG_NAME = "sliceflow";
    static final String DEFAULT_REGION = "us-east-1";

    private LakeCatalogs() {
    }

    /** Opens the catalog in Lambda's region ({@code AWS_REGION}, else us-east-1). */
    public static Catalog open(LakeUrl lake) {
        return open(lake, System.getenv().getOrDefault("AWS_REGION", DEFAULT_REGION));
    }

    public static Catalog open(LakeUrl lake, String region) {
        Catalog catalog = switch (lake.catalog()) {
            case GLUE -> new GlueCatalog();
            case REST -> new RESTCatalog();
            case JDBC -> new JdbcCatalog();
        };
        catalog.initialize(CATALOG_NAME, properties(lake, region));
        return catalog;
    }

    /** The properties {@link #open} initialises the catalog with: the URL's, over the defaults above. */
    static Map<String, String> properties(LakeUrl lake, String region) {
        Map<String, String> props = new HashMap<>();
        props.put(CatalogProperties.FILE_IO_IMPL, "org.apache.iceberg.aws.s3.S3FileIO");
        props.put(HttpClientProperties.CLIENT_TYPE, HttpClientProperties.CLIENT_TYPE_URLCONNECTION);
        props.put(AwsClientProperties.CLIENT_REGION, region);
        if (lake.catalog() == LakeUrl.Catalog.JDBC) {
            props.put(JdbcCatalog.PROPERTY_PREFIX + "schema-version", "V1");
        }
        if (lake.properties().containsKey(S3FileIOProperties.ENDPOINT)) {
            props.put(S3FileIOProperties.PATH_STYLE_ACCESS, "true");
            props.put(S3FileIOProperties.CLIENT_FACTORY, UnchunkedS3ClientFactory.class.getName());
        }
        lake.uri().ifPresent(uri -> props.put(CatalogProperties.URI, uri));
        props.putAll(lake.properties());
        return props;
    }
}

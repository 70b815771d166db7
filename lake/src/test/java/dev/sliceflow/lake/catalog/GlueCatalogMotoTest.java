package dev.sliceflow.lake.catalog;

import dev.sliceflow.testing.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Glue catalog against a second implementation of the Glue and S3 APIs (moto's server), through
 * {@link LakeCatalogs#open} exactly as the loader opens it; then boto3, not Iceberg, reads what Glue holds: what
 * Athena needs to find the table (table_type ICEBERG, metadata_location).
 */
class GlueCatalogMotoTest {
    static final String BUCKET = "sliceflow-lake-test";
    static MotoServer moto;
    @TempDir
    static Path dir;

    @BeforeAll
    static void startMoto() throws Exception {
        String missing = MotoServer.missing();
        Assumptions.assumeTrue(missing == null, () -> "skipped: moto's server is needed: " + missing);
        moto = MotoServer.start(dir.resolve("moto.log"));
        moto.createBucket(BUCKET);
    }

    @AfterAll
    static void stopMoto() {
        if (moto != null) {
            moto.close();
        }
    }

    static String lakeUrl(String namespace) {
        String endpoint = moto.endpoint().toString();
        return "iceberg:glue?warehouse=s3://" + BUCKET + "/lake&namespace=" + namespace
                + "&glue.endpoint=" + endpoint + "&s3.endpoint=" + endpoint
                + "&client.credentials-provider=" + TestCredentials.class.getName()
                + "&s3.access-key-id=test&s3.secret-access-key=test";
    }

    @Test
    void glueCatalog_onMoto_createsCommitsTwiceAndReadsBack() throws Exception {
        LakeUrl lake = LakeUrl.parse(lakeUrl("sliceflow_test"));
        LakeRoundTrip.Result result;
        try (var catalog = (java.io.Closeable) LakeCatalogs.open(lake, "us-east-1")) {
            result = LakeRoundTrip.run((Catalog) catalog, lake.namespace(), "items", "zstd");
        }

        assertThat(result.rows()).containsExactlyInAnyOrder(
                "1:a:" + LakeRoundTrip.AT, "2:null:" + LakeRoundTrip.AT, "3::" + LakeRoundTrip.AT);
        assertThat(result.snapshots()).isEqualTo(3);
        assertThat(result.staleCommitRefused()).as("a commit from stale metadata is refused").isTrue();
        assertThat(result.tableLocation()).isEqualTo("s3://" + BUCKET + "/lake/sliceflow_test.db/items");

        JsonNode glue = new ObjectMapper().readTree(moto.run("""
                import sys, json, boto3
                kw = dict(endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='test',
                          aws_secret_access_key='test')
                glue = boto3.client('glue', **kw)
                table = glue.get_table(DatabaseName='sliceflow_test', Name='items')['Table']
                keys = [o['Key'] for o in boto3.client('s3', **kw).list_objects_v2(Bucket=sys.argv[2],
                        Prefix='lake/sliceflow_test.db/items/').get('Contents', [])]
                print(json.dumps({'databases': [d['Name'] for d in glue.get_databases()['DatabaseList']],
                                  'tableType': table.get('TableType'), 'parameters': table['Parameters'],
                                  'location': table['StorageDescriptor'].get('Location'),
                                  'columns': [c['Name'] + ':' + c['Type'] for c in table['StorageDescriptor']['Columns']],
                                  'keys': keys}))
                """, BUCKET));
        assertThat(glue.path("databases").toString()).contains("\"sliceflow_test\"");
        assertThat(glue.path("tableType").asText()).isEqualTo("EXTERNAL_TABLE");
        assertThat(glue.path("parameters").path("table_type").asText()).isEqualTo("ICEBERG");
        assertThat(glue.path("parameters").path("metadata_location").asText()).isEqualTo(result.metadataLocation());
        assertThat(glue.path("location").asText()).isEqualTo(result.tableLocation());
        assertThat(glue.path("columns").toString()).contains("id:bigint", "name:string", "at:timestamp");
        assertThat(glue.path("keys").toString()).contains("/data/", ".parquet", "/metadata/", ".metadata.json");
        long parquetFiles = 0;
        for (JsonNode key : glue.path("keys")) {
            parquetFiles += key.asText().endsWith(".parquet") ? 1 : 0;
        }
        assertThat(parquetFiles).isEqualTo(3);
    }
}

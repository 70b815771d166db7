package dev.sliceflow.lake.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.testing.LocalS3;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.junit.jupiter.api.Test;

/** Iceberg's S3FileIO, configured as LakeCatalogs configures it for a local endpoint, against s3proxy. */
class UnchunkedS3ClientFactoryTest {

    private static Map<String, String> properties(String bucket) {
        LocalS3 s3 = LocalS3.get();
        Map<String, String> props = new HashMap<>(LakeCatalogs.properties(LakeUrl.parse(
                "iceberg:jdbc:sqlite:/unused.db?warehouse=s3://" + bucket + "/lake&s3.endpoint=" + s3.endpoint()
                        + "&s3.access-key-id=" + LocalS3.ACCESS_KEY + "&s3.secret-access-key=" + LocalS3.SECRET_KEY),
                "us-east-1"));
        // No retries: a PUT on a connection the store has dropped fails the write instead of hiding behind a
        // retry (Iceberg waits 2 s before one).
        props.put("s3.retry.num-retries", "0");
        return props;
    }

    @Test
    void fileIo_withALocalEndpoint_writesFilesInARowEachOnItsFirstAttempt() throws IOException {
        String bucket = LocalS3.get().newBucket();
        int files = 150;
        try (S3FileIO io = new S3FileIO()) {
            io.initialize(properties(bucket));
            for (int i = 0; i < files; i++) {
                try (OutputStream out = io.newOutputFile("s3://" + bucket + "/lake/f-" + i).createOrOverwrite()) {
                    out.write(("file " + i).getBytes(StandardCharsets.UTF_8));
                }
            }
            try (InputStream in = io.newInputFile("s3://" + bucket + "/lake/f-" + (files - 1)).newStream()) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("file " + (files - 1));
            }
        }
    }

    @Test
    void s3Async_isRefusedWithWhatToUnset() {
        UnchunkedS3ClientFactory factory = new UnchunkedS3ClientFactory();
        factory.initialize(Map.of());
        assertThatThrownBy(factory::s3Async).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("s3.crt.enabled");
    }
}

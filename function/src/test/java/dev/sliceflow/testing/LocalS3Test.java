package dev.sliceflow.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

class LocalS3Test {
    @Test
    void putThenGet_whenS3ProxyRuns_returnsTheBytes() {
        LocalS3 s3 = LocalS3.get();
        String bucket = s3.newBucket();
        s3.client().putObject(b -> b.bucket(bucket).key("a/b c.txt"), RequestBody.fromString("hello"));
        assertThat(s3.client().getObjectAsBytes(b -> b.bucket(bucket).key("a/b c.txt")).asUtf8String())
                .isEqualTo("hello");
    }
}

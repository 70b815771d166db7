package dev.sliceflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.testing.LocalS3;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** The S3 client AwsClients ships, against s3proxy: what local mode and every handler test talk to. */
class AwsClientsTest {

    /** Counts attempts (one per transmission, retries included) and keeps the headers each was sent with. */
    private static final class Attempts implements ExecutionInterceptor {
        final AtomicInteger count = new AtomicInteger();
        final List<String> contentEncodings = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            count.incrementAndGet();
            context.httpRequest().firstMatchingHeader("Content-Encoding").ifPresent(contentEncodings::add);
        }
    }

    private static S3Client counted(Attempts attempts) {
        S3ClientBuilder builder = LocalS3.get().clients().s3Builder();
        builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                .addExecutionInterceptor(attempts).build());
        return builder.build();
    }

    @Test
    void s3_againstALocalEndpoint_putsInARowEachSucceedOnTheirFirstAttempt() {
        Attempts attempts = new Attempts();
        String bucket = LocalS3.get().newBucket();
        int puts = 200;
        try (S3Client s3 = counted(attempts)) {
            for (int i = 0; i < puts; i++) {
                String key = "part-" + i;
                s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("row " + i + "\n"));
            }
            assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key("part-199")).asUtf8String())
                    .isEqualTo("row 199\n");
        }
        // s3proxy drops a kept-alive connection after an aws-chunked PUT: with chunked bodies 6-9 % of these
        // PUTs needed a second attempt, and three such in a row fail the call.
        assertThat(attempts.count.get()).as("attempts for %d PUTs and one GET", puts).isEqualTo(puts + 1);
        assertThat(attempts.contentEncodings).doesNotContain("aws-chunked");
    }

    @Test
    void s3_withoutAnEndpoint_keepsTheSdkDefaultsForAws() {
        // Stopped before transmission: the request is built and signed as for AWS, and nothing leaves the machine.
        List<SdkHttpRequest> sent = Collections.synchronizedList(new ArrayList<>());
        ExecutionInterceptor stop = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                sent.add(context.httpRequest());
                throw new IllegalStateException("stopped before transmission");
            }
        };
        S3ClientBuilder builder = new AwsClients(Region.EU_WEST_1,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
                Optional.empty(), Optional.empty()).s3Builder();
        builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                .addExecutionInterceptor(stop).build());
        try (S3Client aws = builder.build()) {
            assertThatThrownBy(() -> aws.putObject(b -> b.bucket("sliceflow-staging").key("k"),
                    RequestBody.fromString("row\n"))).hasMessage("stopped before transmission");
        }
        assertThat(sent).singleElement().satisfies(request -> {
            assertThat(request.host()).isEqualTo("sliceflow-staging.s3.eu-west-1.amazonaws.com");
            assertThat(request.firstMatchingHeader("Content-Encoding")).hasValue("aws-chunked");
        });
    }
}

package dev.sliceflow.source.aws;

import static dev.sliceflow.source.aws.AwsTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.source.Source;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** S3 buckets and SQS queues against real S3 and SQS APIs in-process (s3proxy, ElasticMQ). */
class AwsS3SqsTablesTest {
    private final FakeAws fake = new FakeAws();
    private final AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void s3Buckets_whenCreated_appearWithTheirConfigurationAndUnsupportedSubResourcesAsNull() throws Exception {
        S3Client s3 = LocalS3.get().client();
        String plain = LocalS3.get().newBucket();
        String versioned = LocalS3.get().newBucket();
        s3.putBucketVersioning(b -> b.bucket(versioned)
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
        Instant before = Instant.now().minusSeconds(60);
        List<Map<String, Object>> rows;
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), List.of("aws_s3_buckets")))) {
            rows = rows(source, "aws_s3_buckets");
        }
        // read 8 at a time, emitted in ListBuckets order
        List<String> listed = s3.listBuckets().buckets().stream().map(b -> b.name()).toList();
        assertThat(rows).extracting(r -> r.get("name")).containsExactlyElementsOf(listed);
        Map<String, Object> row = rows.stream().filter(r -> r.get("name").equals(plain)).findFirst().orElseThrow();
        assertThat(row).containsEntry("arn", "arn:aws:s3:::" + plain).containsEntry("account_id", "123456789012")
                .containsEntry("region", "us-east-1").containsEntry("bucket_region", "us-east-1");
        assertThat((Instant) row.get("created_at")).isAfter(before).isBeforeOrEqualTo(Instant.now());
        Map<String, Object> v = rows.stream().filter(r -> r.get("name").equals(versioned)).findFirst().orElseThrow();
        // s3proxy's transient store keeps no versioning state; what it answers is mapped, never a failure
        assertThat(v.get("versioning_status")).isIn(null, "Enabled");
        // s3proxy does not implement these sub-resources: NULL, the reason in sub_errors, the row still there
        assertThat(row.get("public_access_block")).isNull();
        assertThat(row.get("policy_is_public")).isNull();
        assertThat((String) row.get("sub_errors")).contains("policy_status");
    }

    @Test
    void s3Buckets_whenNotTheGlobalRegion_yieldNoRowsAndMakeNoCall() throws Exception {
        LocalS3.get().newBucket();
        try (Source source = factory.open(AwsTestSupport.request("eu-west-1", Map.of(),
                List.of("aws_s3_buckets", "aws_iam_*")))) {
            assertThat(rows(source, "aws_s3_buckets")).isEmpty();
            assertThat(rows(source, "aws_iam_users")).isEmpty();
        }
        assertThat(fake.calls()).isEmpty();
    }

    @Test
    void s3Buckets_whenGlobalRegionOptionNamesThisRegion_areSyncedHere() throws Exception {
        String bucket = LocalS3.get().newBucket();
        try (Source source = factory.open(AwsTestSupport.request("eu-west-1", Map.of("globalRegion", "eu-west-1"),
                List.of("aws_s3_buckets")))) {
            assertThat(rows(source, "aws_s3_buckets")).extracting(r -> r.get("name")).contains(bucket);
        }
    }

    @Test
    void sqsQueues_whenCreated_appearWithAttributesRedrivePolicyAndTags() throws Exception {
        SqsClient sqs = LocalSqs.get().client();
        String dlq = LocalSqs.get().newQueue("aws-dlq");
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        String url = LocalSqs.get().newQueue("aws-src");
        sqs.setQueueAttributes(b -> b.queueUrl(url).attributes(Map.of(
                QueueAttributeName.DELAY_SECONDS, "5",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}")));
        sqs.tagQueue(b -> b.queueUrl(url).tags(Map.of("team", "data")));
        sqs.sendMessage(b -> b.queueUrl(url).messageBody("x"));
        Instant before = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.SECONDS);
        List<Map<String, Object>> rows;
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), List.of("aws_sqs_queues")))) {
            rows = rows(source, "aws_sqs_queues");
        }
        Map<String, Object> row = rows.stream().filter(r -> r.get("url").equals(url)).findFirst().orElseThrow();
        String name = url.substring(url.lastIndexOf('/') + 1);
        assertThat(row).containsEntry("arn", "arn:aws:sqs:us-east-1:000000000000:" + name)
                .containsEntry("name", name).containsEntry("fifo", false)
                .containsEntry("visibility_timeout_seconds", 30L).containsEntry("delay_seconds", 5L)
                .containsEntry("tags", "{\"team\":\"data\"}");
        // the message is delayed 5 s: not yet counted as visible
        assertThat((Long) row.get("approximate_messages")).isEqualTo(0L);
        assertThat((Instant) row.get("created_at")).isAfterOrEqualTo(before);
        assertThat((String) row.get("redrive_policy")).contains(dlqArn).startsWith("{");
        assertThat((String) row.get("attributes")).contains("\"DelaySeconds\":\"5\"");
    }
}

package dev.sliceflow.source.aws;

import static dev.sliceflow.source.aws.AwsTestSupport.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.staging.S3Uploader;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.worker.Deadline;
import dev.sliceflow.worker.SliceSyncer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throttling, bounded retries, AccessDenied isolated to its table, services or regions that are not there. */
class AwsRobustnessTest {
    private final FakeAws fake = new FakeAws();
    private final AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());

    AwsRobustnessTest() {
        AwsFixtures.install(fake);
    }

    @TempDir
    Path workDir;

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void scan_whenThrottledOnce_retriesWithBackoffAndSucceeds() throws Exception {
        fake.onSequence("dynamodb", "ListTables",
                Answer.jsonError(400, "ThrottlingException", "Rate exceeded"),
                Answer.json("{\"TableNames\":[\"orders\"]}"));
        fake.onSequence("ec2", "DescribeVpcs", Answer.ec2Error(503, "RequestLimitExceeded", "Request limit exceeded."),
                Answer.xml("<DescribeVpcsResponse><vpcSet><item><vpcId>vpc-9</vpcId></item></vpcSet></DescribeVpcsResponse>"));
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), null))) {
            assertThat(rows(source, "aws_dynamodb_tables")).extracting(r -> r.get("table_name")).containsExactly("orders");
            assertThat(rows(source, "aws_ec2_vpcs")).extracting(r -> r.get("vpc_id")).containsExactly("vpc-9");
        }
        assertThat(fake.calls("dynamodb", "ListTables")).hasSize(2);
        assertThat(fake.calls("ec2", "DescribeVpcs")).hasSize(2);
    }

    @Test
    void scan_whenThrottledBeyondTheRetryBudget_failsTheTableNamingTheCode() {
        fake.on("ecs", "ListClusters", call -> Answer.jsonError(400, "ThrottlingException", "Rate exceeded"));
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of("maxAttempts", "3"), null))) {
            assertThatThrownBy(() -> rows(source, "aws_ecs_clusters")).isInstanceOf(AwsApiException.class)
                    .hasMessageContaining("ecs ListClusters failed: HTTP 400 ThrottlingException: Rate exceeded");
        }
        assertThat(fake.calls("ecs", "ListClusters")).hasSize(3);
    }

    @Test
    void scan_whenAccessDenied_failsThatTableOnlyWithoutRetrying() {
        fake.on("kms", "ListKeys", call -> Answer.jsonError(400, "AccessDeniedException",
                "User: arn:aws:sts::123456789012:assumed-role/inventory/s is not authorized to perform: kms:ListKeys"));
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), null))) {
            assertThatThrownBy(() -> rows(source, "aws_kms_keys")).isInstanceOf(AwsApiException.class)
                    .hasMessageContaining("AccessDeniedException").hasMessageContaining("kms:ListKeys");
        }
        assertThat(fake.calls("kms", "ListKeys")).hasSize(1);
    }

    @Test
    void sync_whenOneTableIsDenied_commitsTheOthersAndRecordsItsError() {
        fake.on("kms", "ListKeys", call -> Answer.jsonError(400, "AccessDeniedException", "not authorized"));
        fake.on("iam", "GetAccountAuthorizationDetails", call -> Answer.xmlError(403, "AccessDenied",
                "not authorized to perform iam:GetAccountAuthorizationDetails"));
        ExecutorService chunks = Executors.newFixedThreadPool(2);
        try {
            S3Uploader uploader = new S3Uploader(LocalS3.get().client(), LocalS3.get().newBucket(),
                    S3Uploader.DEFAULT_THRESHOLD, S3Uploader.DEFAULT_CHUNK, chunks);
            SliceSyncer syncer = new SliceSyncer(new SourceRegistry(List.of(factory)), uploader, Clock.systemUTC());
            Manifest manifest = syncer.sync(AwsTestSupport.request("us-east-1", Map.of(),
                    List.of("aws_iam_*", "aws_ec2_*", "aws_kms_keys", "aws_ecs_clusters")), "a1", workDir,
                    Deadline.none()).manifest();
            Map<String, ManifestTable> tables = manifest.tables().stream()
                    .collect(Collectors.toMap(t -> t.schema().name(), Function.identity()));
            assertThat(tables.get("aws_kms_keys").status()).isEqualTo(TableStatus.FAILED);
            assertThat(tables.get("aws_kms_keys").error()).contains("AccessDeniedException");
            assertThat(tables.get("aws_iam_users").error()).contains("HTTP 403 AccessDenied");
            assertThat(tables.get("aws_ec2_instances").status()).isEqualTo(TableStatus.OK);
            assertThat(tables.get("aws_ec2_instances").rows()).isEqualTo(6);
            assertThat(tables.get("aws_ecs_clusters").rows()).isEqualTo(1);
            assertThat(manifest.tables()).extracting(t -> t.schema().name()).containsExactlyElementsOf(
                    AwsTables.ALL.stream().map(AwsTable::name).filter(n -> n.startsWith("aws_iam_")
                            || n.startsWith("aws_ec2_") || n.equals("aws_kms_keys") || n.equals("aws_ecs_clusters"))
                            .toList());
            assertThat(manifest.tables()).extracting(t -> t.schema().name()).startsWith("aws_iam_users",
                    "aws_iam_roles", "aws_iam_policies").contains("aws_ec2_security_group_rules");
        } finally {
            chunks.shutdownNow();
        }
    }

    @Test
    void scan_whenAnOptInRegionIsNotEnabled_answersEmptyTables() throws Exception {
        fake.on("ec2", "DescribeInstances", call -> Answer.ec2Error(401, "AuthFailure",
                "AWS was not able to validate the provided access credentials"));
        fake.on("dynamodb", "ListTables", call -> Answer.jsonError(400, "UnrecognizedClientException",
                "The security token included in the request is invalid."));
        try (Source source = factory.open(AwsTestSupport.request("af-south-1", Map.of(), null))) {
            assertThat(rows(source, "aws_ec2_instances")).isEmpty();
            assertThat(rows(source, "aws_dynamodb_tables")).isEmpty();
        }
        // the same answer in a region every account has means bad credentials: a failure
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), null))) {
            assertThatThrownBy(() -> rows(source, "aws_ec2_instances")).hasMessageContaining("AuthFailure");
        }
    }

    @Test
    void scan_whenTheAccountIsNotSubscribed_answersAnEmptyTable() throws Exception {
        fake.on("ec2", "DescribeSubnets", call -> Answer.ec2Error(401, "OptInRequired",
                "You are not subscribed to this service."));
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), null))) {
            assertThat(rows(source, "aws_ec2_subnets")).isEmpty();
        }
    }

    @Test
    void notInRegion_whenTheHostDoesNotResolve_dependsOnTheSdkEndpointMetadata() {
        java.io.IOException unresolved = new java.net.ConnectException("connect");
        unresolved.initCause(new java.nio.channels.UnresolvedAddressException());
        // a region the SDK does not list for ECS (invented): empty table
        assertThat(AwsApi.notInRegion(unresolved, AwsService.ECS, "xx-nowhere-9")).isTrue();
        // a region it lists: a DNS failure there is transient, retried, and fails the table if it persists
        assertThat(AwsApi.notInRegion(unresolved, AwsService.ECS, "us-east-1")).isFalse();
        assertThat(AwsApi.notInRegion(new java.net.ConnectException("refused"), AwsService.ECS, "xx-nowhere-9"))
                .isFalse();
        assertThat(Unavailable.isUnavailable(new AwsApi.ServiceNotInRegionException("no ecs", unresolved),
                "xx-nowhere-9")).isTrue();
        assertThat(Unavailable.isUnavailable(new UncheckedIOException(new java.net.UnknownHostException("x")),
                "us-east-1")).isFalse();
        assertThat(Unavailable.isUnavailable(new AwsApiException("kms", "ListKeys", 400, "AccessDeniedException",
                "no", null), "af-south-1")).isFalse();
    }

    @Test
    void close_whenTheWorkerStopsAfterOneTable_stopsTheOtherFetchesAndTheirThreads() throws Exception {
        fake.latency(java.time.Duration.ofMillis(50));
        try (Source source = factory.open(AwsTestSupport.request("eu-west-1", Map.of("concurrency", "4"), null))) {
            assertThat(rows(source, "aws_ec2_instances")).hasSize(6);
        }
        Await.within(java.time.Duration.ofSeconds(5), () -> fetchThreads() == 0);
        assertThat(fetchThreads()).isZero();
        int calls = fake.calls().size();
        Thread.sleep(200);
        assertThat(fake.calls()).hasSize(calls);
    }

    private static long fetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("sliceflow-aws-fetch")).count();
    }

    @Test
    void scan_whenAServiceAnswersTheSamePageTokenTwice_failsInsteadOfLooping() {
        fake.on("ecs", "ListClusters", call -> Answer.json("{\"clusterArns\":[],\"nextToken\":\"same\"}"));
        fake.on("lambda", "GET /2015-03-31/functions/", call -> Answer.json("{\"Functions\":[],\"NextMarker\":\"same\"}"));
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), null))) {
            assertThatThrownBy(() -> rows(source, "aws_ecs_clusters")).hasMessageContaining("repeated page token");
            assertThatThrownBy(() -> rows(source, "aws_lambda_functions")).hasMessageContaining("repeated page token");
        }
    }
}

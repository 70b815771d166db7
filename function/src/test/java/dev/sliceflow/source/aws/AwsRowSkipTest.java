package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.manifest.TableStatus;
import dev.sliceflow.source.RowSink;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.staging.Uploader;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.FakeAws.Answer;
import dev.sliceflow.worker.Deadline;
import dev.sliceflow.worker.SliceSyncer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A resource that cannot be mapped is skipped and counted with its reason; its table and neighbours go on. */
class AwsRowSkipTest {
    private final FakeAws fake = new FakeAws();
    private final AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());

    @TempDir
    Path workDir;

    AwsRowSkipTest() {
        AwsFixtures.install(fake);
        // one cluster without its ARN, one with a good one
        fake.on("ecs", "DescribeClusters", call -> Answer.json("""
                {"clusters":[{"clusterName":"no-arn"},
                {"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/apps","clusterName":"apps"}]}"""));
        // a key whose CreationDate is not a timestamp, between two good ones
        fake.on("kms", "ListKeys", call -> Answer.json("""
                {"Keys":[{"KeyId":"k-1"},{"KeyId":"k-bad"},{"KeyId":"k-2"}],"Truncated":false}"""));
        fake.on("kms", "DescribeKey", call -> {
            String id = call.body().contains("k-bad") ? "k-bad" : call.body().contains("k-1") ? "k-1" : "k-2";
            return Answer.json("""
                    {"KeyMetadata":{"KeyId":"%s","Arn":"arn:aws:kms:us-east-1:123456789012:key/%s",
                    "KeyManager":"AWS","KeySpec":"RSA_2048","KeyState":"Enabled","CreationDate":%s}}"""
                    .formatted(id, id, id.equals("k-bad") ? "\"yesterday\"" : "1.6E9"));
        });
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    @Test
    void scan_whenOneResourceHasABadValueOrNoId_skipsThatRowWithItsReasonAndKeepsTheOthers() throws Exception {
        List<String> skipped = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>();
        RowSink sink = new RowSink() {
            @Override
            public void accept(Object[] row) {
                rows.add(row.clone());
            }

            @Override
            public void skipped(String reason) {
                skipped.add(reason);
            }
        };
        try (Source source = factory.open(AwsTestSupport.request("us-east-1", Map.of(), null))) {
            AwsTestSupport.table(source, "aws_kms_keys").scan(sink);
            assertThat(rows).extracting(r -> r[3]).containsExactly("k-1", "k-2");
            assertThat(skipped).singleElement().asString().startsWith("aws_kms_keys: ")
                    .contains("arn:aws:kms:us-east-1:123456789012:key/k-bad").contains("yesterday");

            rows.clear();
            skipped.clear();
            AwsTestSupport.table(source, "aws_ecs_clusters").scan(sink);
            assertThat(rows).extracting(r -> r[3]).containsExactly("apps");
            assertThat(skipped).containsExactly("aws_ecs_clusters: no-arn: the answer has no arn for a resource");
        }
    }

    @Test
    void sync_whenRowsAreSkipped_theManifestCountsThemWithReasonsAndTheTableIsOk() {
        byte[][] manifest = {null};
        Uploader uploader = new Uploader() {
            @Override
            public void upload(String key, Path file, String contentType) {
            }

            @Override
            public void put(String key, byte[] content, String contentType) {
                manifest[0] = content;
            }
        };
        SliceSyncer syncer = new SliceSyncer(new SourceRegistry(List.of(factory)), uploader, Clock.systemUTC());
        syncer.sync(AwsTestSupport.request("us-east-1", Map.of("concurrency", "2"),
                List.of("aws_kms_keys", "aws_ecs_clusters", "aws_sns_topics")), "a1", workDir, Deadline.none());

        Manifest read = ManifestCodec.parse(dev.sliceflow.staging.ObjectLayout.manifestKey("sync-1", "123456789012",
                "us-east-1", 0), manifest[0]);
        Map<String, ManifestTable> tables = new java.util.HashMap<>();
        read.tables().forEach(t -> tables.put(t.name(), t));
        ManifestTable keys = tables.get("aws_kms_keys");
        assertThat(keys.status()).isEqualTo(TableStatus.OK);
        assertThat(keys.rows()).isEqualTo(2);
        assertThat(keys.skippedRows()).isEqualTo(1);
        assertThat(keys.skipReasons()).singleElement().asString().contains("k-bad");
        assertThat(tables.get("aws_ecs_clusters").skippedRows()).isEqualTo(1);
        assertThat(tables.get("aws_ecs_clusters").rows()).isEqualTo(1);
        assertThat(tables.get("aws_sns_topics").skippedRows()).isZero();
        assertThat(new String(manifest[0], java.nio.charset.StandardCharsets.UTF_8)).contains("\"skippedRows\" : 1");
    }
}

package dev.sliceflow.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.SyncRequestCodec;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.staging.Uploader;
import dev.sliceflow.worker.Deadline;
import dev.sliceflow.worker.SliceSyncer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Schemas in docs/schemas describe what the code really reads and writes. */
class DocumentSchemasTest {
    private static final Path SCHEMAS = Path.of("..", "docs", "schemas");

    @TempDir
    Path workDir;

    private static Schema schema(String file) throws IOException {
        try (InputStream in = Files.newInputStream(SCHEMAS.resolve(file))) {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(in);
        }
    }

    @Test
    void syncRequestSchema_whenTheSampleEventAndAWrittenContinuation_accepts() throws IOException {
        Schema schema = schema("sync-request.schema.json");
        String sample = Files.readString(Path.of("..", "events", "sync-request.json"));
        SyncRequest parsed = SyncRequestCodec.parse(sample);
        String continuation = SyncRequestCodec.toJson(parsed.continuation(List.of("synthetic_events")));

        assertThat(schema.validate(sample, InputFormat.JSON)).isEmpty();
        assertThat(schema.validate(continuation, InputFormat.JSON)).isEmpty();
    }

    @Test
    void syncRequestSchema_whenTheAwsSampleRequest_acceptsItAndItsTablePatternsMatchAwsTables() throws IOException {
        String sample = Files.readString(Path.of("..", "events", "sync-request-aws.json"));
        assertThat(schema("sync-request.schema.json").validate(sample, InputFormat.JSON)).isEmpty();
        SyncRequest request = SyncRequestCodec.parse(sample);
        List<String> available = new dev.sliceflow.source.aws.AwsSourceFactory(
                software.amazon.awssdk.regions.Region.US_EAST_1,
                software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create(),
                java.util.Optional.empty(), java.util.Optional.empty())
                .schemas().stream().map(s -> s.name()).toList();
        assertThat(dev.sliceflow.request.TableSelector.select(available, request.tables(), request.skipTables()))
                .contains("aws_ec2_instances", "aws_iam_roles", "aws_s3_buckets").doesNotContain("aws_sqs_queues");
    }

    @Test
    void syncRequestSchema_whenAnAccountHas13Digits_rejectsItAsTheCodeDoes() throws IOException {
        String sample = Files.readString(Path.of("..", "events", "sync-request.json"))
                .replace("\"123456789012\"", "\"1234567890123\"");
        assertThat(schema("sync-request.schema.json").validate(sample, InputFormat.JSON)).isNotEmpty();
    }

    @Test
    void manifestSchema_whenAManifestWithOkAndFailedTables_accepts() throws IOException {
        byte[][] written = new byte[1][];
        Uploader capture = new Uploader() {
            @Override
            public void upload(String key, Path file, String contentType) {
            }

            @Override
            public void put(String key, byte[] content, String contentType) {
                written[0] = content;
            }
        };
        SyncRequest request = new SyncRequest(1, "s1", Instant.parse("2026-11-25T09:00:00Z"),
                new SourceSpec("synthetic", Map.of("rowsPerTable", "20", "failTables", "synthetic_events")),
                "123456789012", "us-east-1", null, null, null, CsvOptions.defaults(), null);
        new SliceSyncer(new SourceRegistry(List.of(new SyntheticSourceFactory())), capture, Clock.systemUTC())
                .sync(request, "abc123", workDir, Deadline.none());

        String manifest = new String(written[0], StandardCharsets.UTF_8);
        assertThat(manifest).contains("\"status\" : \"failed\"", "\"status\" : \"ok\"");
        assertThat(schema("manifest.schema.json").validate(manifest, InputFormat.JSON)).isEmpty();
        ManifestCodec.parse(dev.sliceflow.staging.ObjectLayout.manifestKey("s1", "123456789012", "us-east-1", 0),
                written[0]);
    }
}

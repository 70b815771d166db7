package dev.sliceflow.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The lines Metrics writes, parsed and checked against the Embedded Metric Format specification. */
class MetricsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T02:00:00.123Z");
    private static final Metrics.Slice SLICE = new Metrics.Slice("nightly-20261201", "123456789012", "eu-west-1");

    private final List<String> lines = new ArrayList<>();
    private final Metrics metrics = new Metrics(lines::add, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void table_whenSynced_writesOneEmfLineWithFunctionAndTableDimensionsAndTheSliceAsProperties() throws Exception {
        metrics.table("sliceflow-worker", SLICE, "aws_s3_buckets", 1200, 98_765, 2, Duration.ofMillis(1500), false);

        JsonNode line = single();
        assertValidEmf(line);
        JsonNode directive = line.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(line.get("_aws").get("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(directive.get("Namespace").asText()).isEqualTo("Sliceflow");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Function\"],[\"Function\",\"Table\"]]");
        assertThat(names(directive)).containsExactly("Rows", "Bytes", "Parts", "TableSeconds", "FailedTables");
        assertThat(line.get("Function").asText()).isEqualTo("sliceflow-worker");
        assertThat(line.get("Table").asText()).isEqualTo("aws_s3_buckets");
        assertThat(line.get("Rows").asLong()).isEqualTo(1200);
        assertThat(line.get("Bytes").asLong()).isEqualTo(98_765);
        assertThat(line.get("Parts").asInt()).isEqualTo(2);
        assertThat(line.get("TableSeconds").asDouble()).isEqualTo(1.5);
        assertThat(line.get("FailedTables").asInt()).isZero();
        assertThat(line.get("syncId").asText()).isEqualTo("nightly-20261201");
        assertThat(line.get("account").asText()).isEqualTo("123456789012");
        assertThat(line.get("region").asText()).isEqualTo("eu-west-1");
        assertThat(unit(directive, "Bytes")).isEqualTo("Bytes");
        assertThat(unit(directive, "TableSeconds")).isEqualTo("Seconds");
        assertThat(unit(directive, "Rows")).isEqualTo("Count");
    }

    @Test
    void dimensions_whenAnyLine_neverIncludeTheSyncAccountOrRegion() throws Exception {
        metrics.table("w", SLICE, "t", 1, 1, 1, Duration.ZERO, true);
        metrics.sliceCommitted("w", SLICE, 3, 1, Duration.ofSeconds(42));
        metrics.slicesEnqueued("p", "s1", 150);
        metrics.loaded("l", 10, 5000, Duration.ofMillis(2500), 1, 2);
        assertThat(lines).hasSize(4);
        for (String raw : lines) {
            JsonNode line = new ObjectMapper().readTree(raw);
            assertValidEmf(line);
            for (JsonNode set : line.get("_aws").get("CloudWatchMetrics").get(0).get("Dimensions")) {
                assertThat(StreamSupport.stream(set.spliterator(), false).map(JsonNode::asText).toList())
                        .isSubsetOf("Function", "Table");
            }
        }
    }

    @Test
    void sliceCommitted_whenWritten_countsOneSliceAndItsSeconds() throws Exception {
        metrics.sliceCommitted("sliceflow-worker", SLICE, 3, 1, Duration.ofSeconds(42));
        JsonNode line = single();
        assertThat(names(line.get("_aws").get("CloudWatchMetrics").get(0)))
                .containsExactly("SlicesCommitted", "SliceSeconds");
        assertThat(line.get("SlicesCommitted").asInt()).isEqualTo(1);
        assertThat(line.get("SliceSeconds").asDouble()).isEqualTo(42.0);
        assertThat(line.get("tables").asInt()).isEqualTo(3);
        assertThat(line.get("failedTables").asInt()).isEqualTo(1);
    }

    @Test
    void loaded_whenWritten_carriesTheLoadersFiveMetrics() throws Exception {
        metrics.loaded("sliceflow-loader", 10, 5000, Duration.ofMillis(2500), 1, 2);
        JsonNode line = single();
        assertThat(names(line.get("_aws").get("CloudWatchMetrics").get(0))).containsExactly("ManifestsLoaded",
                "RowsLoaded", "LoadSeconds", "ManifestsRejected", "ManifestsStale");
        assertThat(line.get("LoadSeconds").asDouble()).isEqualTo(2.5);
        assertThat(line.get("ManifestsStale").asInt()).isEqualTo(2);
    }

    @Test
    void reconciled_whenWritten_countsWhatWaitedAndWhatWasSentAgain() throws Exception {
        metrics.reconciled("sliceflow-reconciler", 3, 2);
        JsonNode line = single();
        assertThat(names(line.get("_aws").get("CloudWatchMetrics").get(0))).containsExactly("ManifestsWaiting",
                "LoadEventsResent");
        assertThat(line.get("LoadEventsResent").asLong()).isEqualTo(2);
        assertThat(line.get("Function").asText()).isEqualTo("sliceflow-reconciler");
    }

    @Test
    void slicesEnqueued_whenWritten_countsTheSlicesSent() throws Exception {
        metrics.slicesEnqueued("sliceflow-planner", "nightly-1", 150);
        JsonNode line = single();
        assertThat(line.get("SlicesEnqueued").asLong()).isEqualTo(150);
        assertThat(line.get("Function").asText()).isEqualTo("sliceflow-planner");
        assertThat(line.get("syncId").asText()).isEqualTo("nightly-1");
    }

    @Test
    void quote_whenValuesHoldQuotesBackslashesOrControlCharacters_keepsTheLineOneValidJsonObject() throws Exception {
        metrics.table("f\"n", new Metrics.Slice("a\\b", "c\nd", "e\u0001"), "t\tx", 0, 0, 0, Duration.ZERO, true);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).doesNotContain("\n");
        JsonNode line = single();
        assertThat(line.get("Function").asText()).isEqualTo("f\"n");
        assertThat(line.get("syncId").asText()).isEqualTo("a\\b");
        assertThat(line.get("account").asText()).isEqualTo("c\nd");
        assertThat(line.get("region").asText()).isEqualTo("e\u0001");
        assertThat(line.get("Table").asText()).isEqualTo("t\tx");
    }

    @Test
    void to_whenGivenAStream_printsOneLinePerCall() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Metrics.to(new PrintStream(bytes, true, StandardCharsets.UTF_8)).slicesEnqueued("p", "s", 1);
        Metrics.none().slicesEnqueued("p", "s", 1);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertThat(out.lines().toList()).hasSize(1);
        assertThat(out).startsWith("{\"_aws\":");
    }

    private JsonNode single() throws Exception {
        assertThat(lines).hasSize(1);
        return new ObjectMapper().readTree(lines.get(0));
    }

    private static List<String> names(JsonNode directive) {
        return StreamSupport.stream(directive.get("Metrics").spliterator(), false)
                .map(m -> m.get("Name").asText()).toList();
    }

    private static String unit(JsonNode directive, String name) {
        return StreamSupport.stream(directive.get("Metrics").spliterator(), false)
                .filter(m -> m.get("Name").asText().equals(name)).findFirst().orElseThrow().get("Unit").asText();
    }

    /**
     * The EMF specification's rules: a root object; _aws with an integer Timestamp (epoch ms) and a
     * CloudWatchMetrics array of directives, each with a Namespace, Dimensions (arrays of at most 30 names, each a
     * root member holding a string) and Metrics (at most 100, each a Name that is a root member holding a number,
     * with an optional Unit from CloudWatch's list).
     */
    private static void assertValidEmf(JsonNode line) {
        assertThat(line.isObject()).isTrue();
        JsonNode aws = line.get("_aws");
        assertThat(aws).isNotNull();
        assertThat(aws.get("Timestamp").isIntegralNumber()).isTrue();
        JsonNode directives = aws.get("CloudWatchMetrics");
        assertThat(directives.isArray()).isTrue();
        assertThat(directives.size()).isGreaterThanOrEqualTo(1);
        for (JsonNode directive : directives) {
            assertThat(directive.get("Namespace").isTextual()).isTrue();
            assertThat(directive.get("Namespace").asText()).isNotBlank().doesNotStartWith("AWS/");
            assertThat(directive.get("Dimensions").isArray()).isTrue();
            for (JsonNode set : directive.get("Dimensions")) {
                assertThat(set.isArray()).isTrue();
                assertThat(set.size()).isBetween(1, 30);
                for (JsonNode name : set) {
                    assertThat(line.get(name.asText())).as("dimension member %s", name).isNotNull();
                    assertThat(line.get(name.asText()).isTextual()).isTrue();
                }
            }
            assertThat(directive.get("Metrics").size()).isBetween(1, 100);
            for (JsonNode metric : directive.get("Metrics")) {
                String name = metric.get("Name").asText();
                assertThat(name).isNotBlank().hasSizeLessThanOrEqualTo(1024);
                assertThat(line.get(name)).as("metric member %s", name).isNotNull();
                assertThat(line.get(name).isNumber()).isTrue();
                if (metric.has("Unit")) {
                    assertThat(metric.get("Unit").asText()).isIn("Seconds", "Microseconds", "Milliseconds", "Bytes",
                            "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits",
                            "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second",
                            "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
                            "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
                            "Count/Second", "None");
                }
            }
        }
    }
}

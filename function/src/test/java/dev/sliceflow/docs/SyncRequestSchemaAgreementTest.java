package dev.sliceflow.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SyncRequestCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/schemas/sync-request.schema.json and {@link SyncRequestCodec} are two implementations of one format: a real
 * JSON Schema validator (networknt, draft 2020-12, format assertions on) and the parser must agree on every example.
 */
class SyncRequestSchemaAgreementTest {
    private static final String BASE = """
            {"version":1,"syncId":"demo-2026-11-25","syncTime":"2026-11-25T09:00:00Z",\
            "source":{"kind":"synthetic","options":{"rowsPerTable":"1000","seed":"42"}},\
            "account":"123456789012","region":"us-east-1","tables":["*"],"skipTables":["synthetic_events"],\
            "writeMode":"replace","csv":{"compression":"gzip","gzipLevel":6,"partSizeBytes":134217728},"seq":0}""";
    private static final String MINIMAL = """
            {"syncId":"s1","syncTime":"2026-11-25T09:00:00Z","source":{"kind":"synthetic"},\
            "account":"123456789012","region":"us-east-1"}""";

    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        SchemaRegistryConfig config = SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build();
        try (InputStream in = Files.newInputStream(Path.of("..", "docs", "schemas", "sync-request.schema.json"))) {
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                    b -> b.schemaRegistryConfig(config)).getSchema(in);
        }
    }

    private static String base(String from, String to) {
        assertThat(BASE).as("the base example holds %s", from).contains(from);
        return BASE.replace(from, to);
    }

    private static String minimal(String from, String to) {
        assertThat(MINIMAL).as("the minimal example holds %s", from).contains(from);
        return MINIMAL.replace(from, to);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("the full example", BASE),
                Arguments.of("only the required fields", MINIMAL),
                Arguments.of("an offset syncTime", base("09:00:00Z", "10:00:00+01:00")),
                Arguments.of("a syncTime with microseconds", base("09:00:00Z", "09:00:00.123456Z")),
                Arguments.of("a lower-case t and z (RFC 3339 allows them)", base("09:00:00Z", "09:00:00z")
                        .replace("25T09", "25t09")),
                Arguments.of("seq at its maximum", base("\"seq\":0", "\"seq\":10000")),
                Arguments.of("gzipLevel 1", base("\"gzipLevel\":6", "\"gzipLevel\":1")),
                Arguments.of("gzipLevel 9", base("\"gzipLevel\":6", "\"gzipLevel\":9")),
                Arguments.of("the smallest part size", base("134217728", "1024")),
                Arguments.of("the largest part size", base("134217728", "4294967296")),
                Arguments.of("no compression, append", base("\"gzip\"", "\"none\"").replace("replace", "append")),
                Arguments.of("empty options", minimal("{\"kind\":\"synthetic\"}",
                        "{\"kind\":\"synthetic\",\"options\":{}}")),
                Arguments.of("an empty table list", base("[\"*\"]", "[]")),
                Arguments.of("an unknown source kind (the worker refuses it, not the format)",
                        base("\"synthetic\"", "\"oracle\"")));
    }

    /** Schema-invalid, and what the parser must say: the field, the type expected, what was sent. */
    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("account as a number", base("\"123456789012\"", "123456789012"),
                        "field \"account\": expected a string, got the number 123456789012"),
                Arguments.of("account as a boolean", base("\"123456789012\"", "true"),
                        "field \"account\": expected a string, got the boolean true"),
                Arguments.of("seq as a string", base("\"seq\":0", "\"seq\":\"0\""),
                        "field \"seq\": expected an integer, got the string \"0\""),
                Arguments.of("version as a string", base("\"version\":1", "\"version\":\"1\""),
                        "field \"version\": expected the integer 1, got the string \"1\""),
                Arguments.of("version 2", base("\"version\":1", "\"version\":2"),
                        "field \"version\": expected the integer 1, got 2"),
                Arguments.of("syncTime as epoch milliseconds", base("\"2026-11-25T09:00:00Z\"", "1764061200000"),
                        "field \"syncTime\": expected an RFC 3339 date-time string such as \"2026-11-25T09:00:00Z\","
                                + " got the number 1764061200000"),
                Arguments.of("syncTime a date only", base("2026-11-25T09:00:00Z", "2026-11-25"),
                        "field \"syncTime\": expected an RFC 3339 date-time"),
                Arguments.of("syncTime without an offset", base("09:00:00Z", "09:00:00"),
                        "got the string \"2026-11-25T09:00:00\""),
                Arguments.of("syncTime month 13", base("2026-11-25T", "2026-13-25T"),
                        "field \"syncTime\": the string \"2026-13-25T09:00:00Z\" is not a date-time"),
                Arguments.of("syncTime null", base("\"2026-11-25T09:00:00Z\"", "null"),
                        "field \"syncTime\": expected an RFC 3339 date-time string such as \"2026-11-25T09:00:00Z\","
                                + " got null"),
                Arguments.of("an option value as a number", base("\"seed\":\"42\"", "\"seed\":42"),
                        "field \"source.options.seed\": expected a string, got the number 42"),
                Arguments.of("an option value as a boolean", base("\"seed\":\"42\"", "\"seed\":false"),
                        "field \"source.options.seed\": expected a string, got the boolean false"),
                Arguments.of("options as an array", base("{\"rowsPerTable\":\"1000\",\"seed\":\"42\"}", "[]"),
                        "field \"source.options\": expected an object of strings, got an array"),
                Arguments.of("gzipLevel as a string", base("\"gzipLevel\":6", "\"gzipLevel\":\"6\""),
                        "field \"csv.gzipLevel\": expected an integer, got the string \"6\""),
                Arguments.of("gzipLevel 0", base("\"gzipLevel\":6", "\"gzipLevel\":0"),
                        "field \"csv.gzipLevel\": 0 is out of range: must be 1..9"),
                Arguments.of("gzipLevel 10", base("\"gzipLevel\":6", "\"gzipLevel\":10"),
                        "field \"csv.gzipLevel\": 10 is out of range: must be 1..9"),
                Arguments.of("partSizeBytes as a string", base("134217728", "\"134217728\""),
                        "field \"csv.partSizeBytes\": expected an integer, got the string \"134217728\""),
                Arguments.of("partSizeBytes below 1 KiB", base("134217728", "1023"),
                        "field \"csv.partSizeBytes\": 1023 is out of range: must be 1024..4294967296"),
                Arguments.of("partSizeBytes above 4 GiB", base("134217728", "4294967297"),
                        "field \"csv.partSizeBytes\": 4294967297 is out of range"),
                Arguments.of("partSizeBytes beyond a long", base("134217728", "99999999999999999999999"),
                        "field \"csv.partSizeBytes\": 99999999999999999999999 is out of range"),
                Arguments.of("seq -1", base("\"seq\":0", "\"seq\":-1"), "field \"seq\": -1 is out of range: must be 0..10000"),
                Arguments.of("seq 10001", base("\"seq\":0", "\"seq\":10001"), "field \"seq\": 10001 is out of range"),
                Arguments.of("seq null", base("\"seq\":0", "\"seq\":null"), "field \"seq\": expected an integer, got null"),
                Arguments.of("tables as a string", base("[\"*\"]", "\"*\""),
                        "field \"tables\": expected an array of strings, got the string \"*\""),
                Arguments.of("a table as a number", base("[\"*\"]", "[\"*\",7]"),
                        "field \"tables[1]\": expected a string, got the number 7"),
                Arguments.of("tables null", base("[\"*\"]", "null"),
                        "field \"tables\": expected an array of strings, got null"),
                Arguments.of("a table pattern with capitals", base("[\"*\"]", "[\"Synthetic_*\"]"),
                        "invalid tables entry 'Synthetic_*'"),
                Arguments.of("writeMode unknown", base("\"replace\"", "\"upsert\""),
                        "field \"writeMode\": expected one of \"replace\", \"append\", got the string \"upsert\""),
                Arguments.of("writeMode as a number", base("\"replace\"", "1"),
                        "field \"writeMode\": expected one of \"replace\", \"append\", got the number 1"),
                Arguments.of("compression unknown", base("\"gzip\"", "\"zip\""),
                        "field \"csv.compression\": expected one of \"gzip\", \"none\", got the string \"zip\""),
                Arguments.of("csv as an array", base("{\"compression\":\"gzip\",\"gzipLevel\":6,\"partSizeBytes\":134217728}",
                        "[]"), "field \"csv\": expected an object, got an array"),
                Arguments.of("source as a string", minimal("{\"kind\":\"synthetic\"}", "\"synthetic\""),
                        "field \"source\": expected an object, got the string \"synthetic\""),
                Arguments.of("source.kind as a number", minimal("\"synthetic\"", "1"),
                        "field \"source.kind\": expected a string, got the number 1"),
                Arguments.of("source.kind with capitals", minimal("\"synthetic\"", "\"Synthetic\""),
                        "invalid source 'Synthetic'"),
                Arguments.of("an unknown field", base("\"seq\":0", "\"seq\":0,\"acount\":\"1\""),
                        "unknown field \"acount\": the fields of a sync request are version, syncId, syncTime"),
                Arguments.of("an unknown source field", minimal("{\"kind\":\"synthetic\"}",
                        "{\"kind\":\"synthetic\",\"option\":{}}"),
                        "unknown field \"source.option\": the fields of source are kind, options"),
                Arguments.of("an unknown csv field", base("\"gzipLevel\":6", "\"level\":6"),
                        "unknown field \"csv.level\""),
                Arguments.of("no syncId", minimal("\"syncId\":\"s1\",", ""), "syncId is missing"),
                Arguments.of("no syncTime", minimal("\"syncTime\":\"2026-11-25T09:00:00Z\",", ""),
                        "syncTime is missing"),
                Arguments.of("no source", minimal("\"source\":{\"kind\":\"synthetic\"},", ""), "source is missing"),
                Arguments.of("no source kind", minimal("{\"kind\":\"synthetic\"}", "{}"), "source is missing"),
                Arguments.of("no account", minimal("\"account\":\"123456789012\",", ""), "account is missing"),
                Arguments.of("no region", minimal(",\"region\":\"us-east-1\"", ""), "region is missing"),
                Arguments.of("a 13-digit account", base("123456789012", "1234567890123"),
                        "invalid account '1234567890123': must be 12 digits"),
                Arguments.of("a region with a space", base("us-east-1", "us east-1"), "invalid region 'us east-1'"),
                Arguments.of("a syncId with a slash", base("demo-2026-11-25", "a/../b"), "invalid syncId 'a/../b'"),
                Arguments.of("an array", "[]", "a sync request is a JSON object, got an array"),
                Arguments.of("a string", "\"x\"", "a sync request is a JSON object, got the string \"x\""),
                Arguments.of("null", "null", "sync request is JSON null"),
                Arguments.of("an S3 event notification", s3EventBody(),
                        "this is an S3 event notification (Records[].s3), which belongs on the load queue;"
                                + " the sync queue takes sync requests, see docs/sync-request.md"),
                Arguments.of("S3's test event", """
                        {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-01-01T00:00:00.000Z",\
                        "Bucket":"sliceflow-staging","RequestId":"5582815E1AEA5ADF","HostId":"8cLe"}""",
                        "this is S3's s3:TestEvent notification, which belongs on the load queue"),
                Arguments.of("a Lambda SQS event", readUnchecked(Path.of("..", "events", "sqs-sync-request.json")),
                        "this is a Lambda SQS event (Records[].body)"),
                Arguments.of("a manifest", """
                        {"formatVersion":1,"syncId":"s1","syncTime":"2026-11-25T09:00:00Z","source":"synthetic",\
                        "account":"123456789012","region":"us-east-1","seq":0,"last":true,"tables":[]}""",
                        "this is a manifest (formatVersion, tables)"),
                Arguments.of("a sync spec", """
                        {"name":"nightly","source":{"kind":"synthetic"},"accounts":{"list":["123456789012"]},\
                        "regions":["us-east-1"]}""", "this is a sync spec (accounts, regions)"));
    }

    /**
     * Valid by the schema as JSON Schema reads numbers and objects, refused by the parser on purpose (documented in
     * docs/sync-request.md): JSON Schema's number model makes 6.0 an integer equal to 6, and a validator keeps the last
     * of two equal keys; a writer that sends either is not writing what the format says.
     */
    static Stream<Arguments> stricterThanTheSchema() {
        return Stream.of(
                Arguments.of("seq as 0.0", base("\"seq\":0", "\"seq\":0.0"),
                        "field \"seq\": expected an integer, got the number 0.0"),
                Arguments.of("seq as 0e0", base("\"seq\":0", "\"seq\":0e0"),
                        "field \"seq\": expected an integer, got the number 0.0"),
                Arguments.of("gzipLevel as 6.0", base("\"gzipLevel\":6", "\"gzipLevel\":6.0"),
                        "field \"csv.gzipLevel\": expected an integer, got the number 6.0"),
                Arguments.of("partSizeBytes as 1.34217728E8", base("134217728", "1.34217728E8"),
                        "field \"csv.partSizeBytes\": expected an integer, got the number 1.34217728E8"),
                Arguments.of("a key given twice", base("\"seq\":0", "\"seq\":0,\"account\":\"123456789012\""),
                        "Duplicate field 'account'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void validExample_bothAccept(String name, String json) {
        assertThat(schema.validate(json, InputFormat.JSON)).as("schema errors").isEmpty();
        assertThatCode(() -> SyncRequestCodec.parse(json)).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidExample_bothRefuseAndTheParserSaysWhy(String name, String json, String reason) {
        assertThat(schema.validate(json, InputFormat.JSON)).as("schema errors").isNotEmpty();
        assertThatThrownBy(() -> SyncRequestCodec.parse(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stricterThanTheSchema")
    void numberOrKeyTheSchemaCannotTellApart_onlyTheParserRefuses(String name, String json, String reason) {
        assertThat(schema.validate(json, InputFormat.JSON)).as("schema errors").isEmpty();
        assertThatThrownBy(() -> SyncRequestCodec.parse(json)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void everySampleEventAndDocsExample_bothAccept() throws IOException {
        List<String> examples = new ArrayList<>();
        examples.add(Files.readString(Path.of("..", "events", "sync-request.json")));
        examples.add(Files.readString(Path.of("..", "events", "sync-request-aws.json")));
        SQSEvent event = EventLoader.loadSQSEvent("events/sqs-sync-request.json");
        event.getRecords().forEach(r -> examples.add(r.getBody()));
        // the first record of the mixed batch is the valid one; the second is malformed on purpose
        examples.add(EventLoader.loadSQSEvent("events/sqs-mixed-batch.json").getRecords().get(0).getBody());
        Pattern block = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).toList()) {
                Matcher m = block.matcher(Files.readString(doc));
                while (m.find()) {
                    if (m.group(1).contains("\"syncTime\"") && !m.group(1).contains("\"formatVersion\"")) {
                        examples.add(m.group(1));
                    }
                }
            }
        }
        assertThat(examples).hasSizeGreaterThanOrEqualTo(5);
        for (String example : examples) {
            assertThat(schema.validate(example, InputFormat.JSON)).as("schema errors for %s", example).isEmpty();
            assertThatCode(() -> SyncRequestCodec.parse(example)).as(example).doesNotThrowAnyException();
        }
    }

    private static String s3EventBody() {
        return EventLoader.loadSQSEvent("events/loader-sqs-manifest.json").getRecords().get(0).getBody();
    }

    private static String readUnchecked(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

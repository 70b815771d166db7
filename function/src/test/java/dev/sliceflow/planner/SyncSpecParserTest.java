package dev.sliceflow.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.WriteMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyncSpecParserTest {
    static final String VALID = """
            name: inventory
            source:
              kind: synthetic
              options:
                rowsPerTable: "100"
            accounts:
              list: ["123456789012", "210987654321"]
              skip: ["210987654321"]
            regions: [us-east-1, eu-west-1]
            tables: ["synthetic_*"]
            skipTables: [synthetic_events]
            writeMode: append
            csv:
              compression: gzip
              gzipLevel: 1
            """;

    @Test
    void parse_whenValid_readsEveryField() {
        SyncSpec spec = SyncSpecParser.parse("sync.yaml", VALID);

        assertThat(spec.name()).isEqualTo("inventory");
        assertThat(spec.source().options()).containsEntry("rowsPerTable", "100");
        assertThat(spec.accounts().list()).containsExactly("123456789012", "210987654321");
        assertThat(spec.accounts().skip()).containsExactly("210987654321");
        assertThat(spec.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(spec.writeMode()).isEqualTo(WriteMode.APPEND);
        assertThat(spec.csv().compression()).isEqualTo(Compression.GZIP);
        assertThat(spec.csv().gzipLevel()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "bad account      | \"123456789012\", \"210987654321\" | \"123456789012\", \"12345\"  | sync.yaml: line 7: list: invalid account '12345': must be 12 digits",
        "duplicate        | \"210987654321\"]                  | \"123456789012\"]          | sync.yaml: line 7: list: account 123456789012 is listed twice",
        "unknown key      | writeMode: append                  | writeMod: append           | sync.yaml: line 12: unknown key 'writeMod'; known: accounts, csv, name, regions, skipTables, source, tables, writeMode",
        "bad region       | eu-west-1]                         | eu west 1]                 | sync.yaml: line 9: regions: invalid region 'eu west 1'",
        "bad yaml         | regions: [us-east-1, eu-west-1]    | 'regions: [us-east-1'      | sync.yaml: line 10: not valid YAML: while parsing a flow sequence expected ',' or ']', but got :",
        "bad enum         | writeMode: append                  | writeMode: upsert          | sync.yaml: line 12: writeMode: Cannot deserialize value",
        "bad level        | gzipLevel: 1                       | gzipLevel: 12              | csv.gzipLevel 12 is out of range: must be 1..9",
        "bad table glob   | [\"synthetic_*\"]                  | [\"Synthetic Types\"]      | sync.yaml: line 10: tables: invalid tables entry 'Synthetic Types'",
    })
    void parse_whenAFieldIsWrong_failsNamingTheLineAndField(String name, String from, String to, String message) {
        String yaml = VALID.replace(from, to);
        assertThat(yaml).isNotEqualTo(VALID);
        assertThatThrownBy(() -> SyncSpecParser.parse("sync.yaml", yaml))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    @Test
    void parse_whenTheSpecNamesASchedule_saysItIsNotASpecKey() {
        // When a sync runs on a schedule is the stack's -c schedule: a spec with its own would be silently ignored.
        assertThatThrownBy(() -> SyncSpecParser.parse("s.yaml", VALID + "schedule: cron(0 3 * * ? *)\n"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("unknown key 'schedule'");
    }

    @Test
    void parse_whenNoAccounts_saysWhatIsNeeded() {
        String yaml = "name: x\nsource: {kind: synthetic}\naccounts: {}\nregions: [us-east-1]\n";
        assertThatThrownBy(() -> SyncSpecParser.parse("s.yaml", yaml))
                .hasMessage("s.yaml: line 3: accounts: needs a list of accounts or organization: true");
    }

    @Test
    void parse_whenTheDocumentedExample_isValidAndPlansFourSlices() throws Exception {
        String yaml = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "examples", "nightly.yaml"));
        SyncSpec spec = SyncSpecParser.parse("nightly.yaml", yaml);
        Plan plan = new Planner(new dev.sliceflow.source.SourceRegistry(java.util.List.of(
                new dev.sliceflow.source.synthetic.SyntheticSourceFactory())), Discovery.none())
                .plan(spec, java.time.Instant.parse("2026-11-25T03:00:00Z"), java.util.Optional.empty());
        assertThat(plan.slices()).isEqualTo(4);
        assertThat(plan.tables()).containsExactly("synthetic_types", "synthetic_resources");
    }

    @Test
    void parse_whenEmpty_saysSo() {
        assertThatThrownBy(() -> SyncSpecParser.parse("s.yaml", "")).hasMessageContaining("s.yaml: the spec is empty");
    }
}

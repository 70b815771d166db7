package dev.sliceflow.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlannerTest {
    private final Planner planner = new Planner(new SourceRegistry(List.of(new SyntheticSourceFactory())),
            Discovery.none());
    private final Instant time = Instant.parse("2026-11-25T03:00:00.123Z");

    private static List<SyncRequest> list(Plan plan) {
        List<SyncRequest> requests = new ArrayList<>();
        plan.requests().forEach(requests::add);
        return requests;
    }

    @Test
    void plan_whenTheSameSpecAndTime_givesTheSameSlicesInTheSameOrder() {
        SyncSpec spec = SyncSpecParser.parse("s", SyncSpecParserTest.VALID);

        Plan first = planner.plan(spec, time, Optional.empty());
        Plan second = planner.plan(spec, time, Optional.empty());

        assertThat(first.syncId()).isEqualTo("inventory-20261125T030000Z");
        assertThat(first.syncTime()).isEqualTo(Instant.parse("2026-11-25T03:00:00Z"));
        assertThat(list(first)).isEqualTo(list(second));
        assertThat(list(first)).extracting(SyncRequest::account, SyncRequest::region).containsExactly(
                org.assertj.core.groups.Tuple.tuple("123456789012", "us-east-1"),
                org.assertj.core.groups.Tuple.tuple("123456789012", "eu-west-1"));
        assertThat(first.tables()).containsExactly("synthetic_types", "synthetic_resources");
        assertThat(list(first)).allSatisfy(r -> assertThat(r.tables()).isEqualTo(first.tables()));
    }

    @Test
    void plan_whenManyAccounts_generatesSlicesLazilyInAccountMajorOrder() {
        List<String> accounts = IntStream.range(0, 10_000).mapToObj(i -> String.format("%012d", i)).toList();
        List<String> regions = List.of("us-east-1", "us-east-2", "eu-west-1");
        SyncSpec spec = new SyncSpec("big", dev.sliceflow.request.SourceSpec.of("synthetic"),
                new SyncSpec.Accounts(accounts, false, null, null), regions, null, null, null, null);

        Plan plan = planner.plan(spec, time, Optional.of("big-1"));

        assertThat(plan.slices()).isEqualTo(30_000);
        long count = 0;
        SyncRequest last = null;
        for (SyncRequest request : plan.requests()) {
            count++;
            last = request;
        }
        assertThat(count).isEqualTo(30_000);
        assertThat(last.account()).isEqualTo("000000009999");
        assertThat(last.region()).isEqualTo("eu-west-1");
    }

    @Test
    void plan_whenTheSkipListRemovesEveryTable_failsSayingTheSelectionIsEmpty() {
        SyncSpec spec = SyncSpecParser.parse("s", SyncSpecParserTest.VALID.replace("[synthetic_events]", "[\"*\"]"));
        assertThatThrownBy(() -> planner.plan(spec, time, Optional.empty())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("the selection is empty");
    }

    @Test
    void plan_whenATablePatternMatchesNothing_failsAtPlanTime() {
        SyncSpec spec = SyncSpecParser.parse("s", SyncSpecParserTest.VALID.replace("[\"synthetic_*\"]", "[aws_ec2_*]"));
        assertThatThrownBy(() -> planner.plan(spec, time, Optional.empty()))
                .hasMessageContaining("'aws_ec2_*' matches no table of this source");
    }

    @Test
    void plan_whenDiscoveryIsNeededButAbsent_saysHowToFixIt() {
        SyncSpec spec = SyncSpecParser.parse("s", SyncSpecParserTest.VALID.replace("[us-east-1, eu-west-1]", "[\"*\"]"));
        assertThatThrownBy(() -> planner.plan(spec, time, Optional.empty()))
                .hasMessageContaining("list the regions instead");
    }
}

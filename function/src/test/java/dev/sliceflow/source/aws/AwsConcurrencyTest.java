package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.source.Source;
import dev.sliceflow.source.Table;
import dev.sliceflow.testing.FakeAws;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** With a fixed per-call latency, a slice's wall time falls with the table concurrency. */
class AwsConcurrencyTest {
    private static final List<String> REGIONAL = List.of("aws_ec2_*", "aws_lambda_functions", "aws_dynamodb_tables",
            "aws_kms_keys", "aws_sns_topics", "aws_rds_instances", "aws_cloudtrail_trails", "aws_ecs_clusters");

    private static long sliceMillis(FakeAws fake, int concurrency) throws Exception {
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());
        long started = System.nanoTime();
        long rows = 0;
        try (Source source = factory.open(AwsTestSupport.request("eu-west-1",
                Map.of("concurrency", Integer.toString(concurrency)), REGIONAL))) {
            // as the worker does: the selected tables, one after another
            for (Table table : source.tables()) {
                if (REGIONAL.stream().anyMatch(p -> dev.sliceflow.request.TableSelector.matches(p,
                        table.schema().name()))) {
                    long[] n = {0};
                    table.scan(row -> n[0]++);
                    rows += n[0];
                }
            }
        }
        assertThat(rows).isEqualTo(18);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    @Test
    void slice_whenEachCallTakes100Ms_fourTablesAtOnceAreAtLeastTwiceAsFastAsOne() throws Exception {
        try (FakeAws fake = new FakeAws()) {
            AwsFixtures.install(fake);
            fake.latency(Duration.ofMillis(100));
            sliceMillis(fake, 4); // warm-up: class loading, connections
            int calls = fake.calls().size();
            long sequential = sliceMillis(fake, 1);
            long concurrent = sliceMillis(fake, 4);
            long eight = sliceMillis(fake, 8);
            System.out.printf("aws slice of %d tables, %d calls at 100 ms: concurrency 1: %d ms, 4: %d ms, 8: %d ms%n",
                    11, calls, sequential, concurrent, eight);
            assertThat(concurrent * 2).isLessThan(sequential);
        }
    }
}

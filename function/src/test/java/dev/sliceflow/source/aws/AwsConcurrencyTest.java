package dev.sliceflow.source.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.request.TableSelector;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.Table;
import dev.sliceflow.testing.FakeAws;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The option concurrency bounds how many of a slice's tables are fetched at once, and the rows are the same
 * whatever it is. What it buys in wall time is measured by {@code bench/run aws-concurrency}
 * (docs/performance.md), not asserted here: timing under a shared CI machine would flake.
 */
class AwsConcurrencyTest {
    private static final List<String> REGIONAL = List.of("aws_ec2_instances", "aws_ec2_vpcs", "aws_ec2_subnets",
            "aws_ec2_security_groups", "aws_lambda_functions", "aws_dynamodb_tables", "aws_kms_keys",
            "aws_sns_topics", "aws_rds_instances", "aws_cloudtrail_trails", "aws_ecs_clusters");

    private static long slice(FakeAws fake, int concurrency) throws Exception {
        AwsSourceFactory factory = AwsTestSupport.factory(fake, Optional.empty(), Optional.empty());
        long rows = 0;
        try (Source source = factory.open(AwsTestSupport.request("eu-west-1",
                Map.of("concurrency", Integer.toString(concurrency)), REGIONAL))) {
            // as the worker does: the selected tables, one after another
            for (Table table : source.tables()) {
                if (REGIONAL.stream().anyMatch(p -> TableSelector.matches(p, table.schema().name()))) {
                    long[] n = {0};
                    table.scan(row -> n[0]++);
                    rows += n[0];
                }
            }
        }
        return rows;
    }

    @Test
    void slice_whenConcurrencyIsOneOrFour_neverHasMoreCallsInFlightAndReadsTheSameRows() throws Exception {
        try (FakeAws fake = new FakeAws()) {
            AwsFixtures.install(fake);
            fake.latency(Duration.ofMillis(20));
            long sequential = slice(fake, 1);
            assertThat(fake.maxInFlight()).as("concurrency 1: one call at a time").isEqualTo(1);
            fake.resetMaxInFlight();
            long four = slice(fake, 4);
            assertThat(fake.maxInFlight()).as("concurrency 4: never more than 4 tables' calls at once")
                    .isBetween(1, 4);
            assertThat(four).isEqualTo(sequential).isEqualTo(18);
        }
    }
}

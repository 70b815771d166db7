package dev.sliceflow.source.aws;

import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.Table;
import dev.sliceflow.testing.FakeAws;
import dev.sliceflow.testing.LocalS3;
import dev.sliceflow.testing.LocalSqs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Builds aws source factories whose every endpoint is on loopback: never AWS. */
final class AwsTestSupport {
    /** Short backoffs so retry tests take milliseconds. */
    static final AwsRetries FAST = new AwsRetries(4, Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(50));
    static final StaticCredentialsProvider BASE = StaticCredentialsProvider.create(
            AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));

    private AwsTestSupport() {
    }

    /** Every service on {@code fake} (each AwsService the source declares, found by reflection, so a new one can
     * never reach AWS from a test); S3 and SQS on the in-process s3proxy and ElasticMQ. */
    static Map<String, URI> endpoints(FakeAws fake) {
        Map<String, URI> endpoints = new HashMap<>();
        endpoints.put("sts", fake.endpoint());
        for (String service : serviceIds()) {
            endpoints.put(service, fake.endpoint());
        }
        endpoints.put("s3", LocalS3.get().endpoint());
        endpoints.put("sqs", LocalSqs.get().endpoint());
        return endpoints;
    }

    static List<String> serviceIds() {
        List<String> ids = new ArrayList<>();
        for (java.lang.reflect.Field field : AwsService.class.getDeclaredFields()) {
            if (field.getType() == AwsService.class && java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                try {
                    ids.add(((AwsService) field.get(null)).id());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return ids;
    }

    static AwsSourceFactory factory(FakeAws fake, Optional<String> roleName, Optional<String> externalId) {
        return new AwsSourceFactory(Region.US_EAST_1, BASE, roleName, externalId, endpoints(fake), FAST,
                Clock.systemUTC());
    }

    /** The home account's slice: the function's own credentials, as s3proxy expects. */
    static SyncRequest request(String region, Map<String, String> options, List<String> tables) {
        Map<String, String> all = new HashMap<>(options);
        all.putIfAbsent("homeAccount", AwsFixtures.ACCOUNT);
        return new SyncRequest(1, "sync-1", Instant.parse("2026-11-25T09:00:00Z"), new SourceSpec("aws", all),
                AwsFixtures.ACCOUNT, region, tables, null, null, null, null);
    }

    static Table table(Source source, String name) {
        return source.tables().stream().filter(t -> t.schema().name().equals(name)).findFirst().orElseThrow();
    }

    /** A table's rows as column name -> value maps. */
    static List<Map<String, Object>> rows(Source source, String name) throws Exception {
        Table table = table(source, name);
        List<Map<String, Object>> rows = new ArrayList<>();
        table.scan(row -> {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < row.length; i++) {
                map.put(table.schema().column(i).name(), row[i]);
            }
            rows.add(map);
        });
        return rows;
    }
}

package dev.sliceflow.source.synthetic;

import static dev.sliceflow.schema.ColumnType.BOOLEAN;
import static dev.sliceflow.schema.ColumnType.DATE;
import static dev.sliceflow.schema.ColumnType.DECIMAL;
import static dev.sliceflow.schema.ColumnType.DOUBLE;
import static dev.sliceflow.schema.ColumnType.JSON;
import static dev.sliceflow.schema.ColumnType.LONG;
import static dev.sliceflow.schema.ColumnType.STRING;
import static dev.sliceflow.schema.ColumnType.TIMESTAMP;

import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The synthetic tables and their row generators. Row {@code i} of a table in a slice is a pure function of
 * (seed, account, region, table, i): tests regenerate any row to compare with what a warehouse holds.
 */
public final class SyntheticTables {
    /** Every type, every hard value, NULL in every nullable column. */
    public static final TableSchema TYPES = new TableSchema("synthetic_types", List.of(
            Column.required("id", LONG),
            Column.required("account_id", STRING),
            Column.required("region", STRING),
            Column.of("text_value", STRING),
            Column.required("text_required", STRING),
            Column.of("long_value", LONG),
            Column.of("double_value", DOUBLE),
            Column.of("decimal_value", DECIMAL),
            Column.of("bool_value", BOOLEAN),
            Column.of("ts_value", TIMESTAMP),
            Column.of("date_value", DATE),
            Column.of("json_value", JSON)), List.of("id"));

    /** A realistic 12-column inventory-like table: the benchmark's shape. */
    public static final TableSchema RESOURCES = new TableSchema("synthetic_resources", List.of(
            Column.required("arn", STRING),
            Column.required("account_id", STRING),
            Column.required("region", STRING),
            Column.required("resource_type", STRING),
            Column.of("name", STRING),
            Column.required("created_at", TIMESTAMP),
            Column.of("size_bytes", LONG),
            Column.of("cost", DECIMAL),
            Column.of("utilization", DOUBLE),
            Column.required("active", BOOLEAN),
            Column.of("tags", JSON),
            Column.of("config", JSON)), List.of("arn"));

    /** Few columns, many rows: a cheap table. */
    public static final TableSchema EVENTS = new TableSchema("synthetic_events", List.of(
            Column.required("event_id", LONG),
            Column.required("account_id", STRING),
            Column.required("region", STRING),
            Column.required("event_time", TIMESTAMP),
            Column.required("event_date", DATE),
            Column.of("event_name", STRING),
            Column.of("detail", JSON)), List.of("event_id"));

    public static final List<TableSchema> ALL = List.of(TYPES, RESOURCES, EVENTS);

    private static final String[] RESOURCE_TYPES = {"bucket", "queue", "function", "instance", "table", "key", "role"};
    private static final String[] EVENT_NAMES = {"Create", "Update", "Delete", "Describe", "Tag", "Untag"};
    private static final Instant EPOCH_2020 = Instant.parse("2020-01-01T00:00:00Z");

    private SyntheticTables() {
    }

    /** Fills {@code row} with row {@code i} of {@code table}. */
    static void fill(TableSchema table, long sliceSeed, String account, String region, long i, Object[] row) {
        SplittableRandom random = new SplittableRandom(mix(sliceSeed ^ mix(table.name().hashCode() + 31L * i)));
        switch (table.name()) {
            case "synthetic_types" -> types(account, region, i, random, row);
            case "synthetic_resources" -> resources(account, region, i, random, row);
            case "synthetic_events" -> events(account, region, i, random, row);
            default -> throw new IllegalArgumentException("no generator for table " + table.name());
        }
    }

    private static void types(String account, String region, long i, SplittableRandom random, Object[] row) {
        int k = (int) (i % 1_000_003);
        row[0] = i;
        row[1] = account;
        row[2] = region;
        // A column is NULL on one row in seven, at a different phase per column, so every pairing occurs.
        row[3] = isNull(i, 3) ? null : pick(SyntheticValues.STRINGS, k, random);
        row[4] = pick(SyntheticValues.STRINGS, k + 5, random);
        row[5] = isNull(i, 5) ? null : (k < 64 ? pick(SyntheticValues.LONGS, k, random) : random.nextLong());
        row[6] = isNull(i, 6) ? null : (k < 64 ? pick(SyntheticValues.DOUBLES, k, random) : random.nextDouble() * 1e6 - 5e5);
        row[7] = isNull(i, 0) ? null : (k < 64 ? pick(SyntheticValues.DECIMALS, k, random)
                : BigDecimal.valueOf(random.nextLong(-1_000_000_000_000L, 1_000_000_000_000L), 9));
        row[8] = isNull(i, 1) ? null : (i % 2 == 0);
        row[9] = isNull(i, 2) ? null : (k < 64 ? pick(SyntheticValues.TIMESTAMPS, k, random)
                : EPOCH_2020.plusNanos(random.nextLong(0, 200_000_000_000_000L) * 1000));
        row[10] = isNull(i, 4) ? null : (k < 64 ? pick(SyntheticValues.DATES, k, random)
                : LocalDate.ofEpochDay(random.nextLong(-700_000, 2_900_000)));
        row[11] = isNull(i, 3) ? null : pick(SyntheticValues.JSON, k + 2, random);
    }

    private static void resources(String account, String region, long i, SplittableRandom random, Object[] row) {
        String type = RESOURCE_TYPES[(int) (i % RESOURCE_TYPES.length)];
        row[0] = "arn:aws:synthetic:" + region + ":" + account + ":" + type + "/r-" + i;
        row[1] = account;
        row[2] = region;
        row[3] = type;
        row[4] = i % 11 == 0 ? null : type + "-" + Long.toHexString(random.nextLong() & 0xffffffffL);
        row[5] = EPOCH_2020.plusNanos(random.nextLong(0, 180_000_000_000_000L) * 1000);
        row[6] = i % 13 == 0 ? null : random.nextLong(0, 1L << 40);
        row[7] = i % 17 == 0 ? null : BigDecimal.valueOf(random.nextLong(0, 100_000_000_000L), 4);
        row[8] = i % 19 == 0 ? null : random.nextDouble();
        row[9] = (i & 1) == 0;
        row[10] = i % 7 == 0 ? null
                : "{\"env\":\"" + (i % 3 == 0 ? "prod" : "dev") + "\",\"team\":\"t" + (i % 40) + "\"}";
        row[11] = "{\"version\":" + (i % 5) + ",\"encrypted\":" + ((i & 2) == 0) + ",\"rules\":[" + (i % 100) + ","
                + (i % 1000) + "]}";
    }

    private static void events(String account, String region, long i, SplittableRandom random, Object[] row) {
        Instant time = EPOCH_2020.plusSeconds(i * 7 + random.nextInt(5));
        row[0] = i;
        row[1] = account;
        row[2] = region;
        row[3] = time;
        row[4] = LocalDate.ofEpochDay(time.getEpochSecond() / 86_400);
        row[5] = i % 23 == 0 ? null : EVENT_NAMES[(int) (i % EVENT_NAMES.length)];
        row[6] = i % 29 == 0 ? null : "{\"seq\":" + i + "}";
    }

    private static boolean isNull(long i, int phase) {
        return i % 7 == phase;
    }

    /** Cycles through the hard values for the first rows, then picks at random. */
    private static <T> T pick(List<T> values, int k, SplittableRandom random) {
        return k < 4 * values.size() ? values.get(k % values.size()) : values.get(random.nextInt(values.size()));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}

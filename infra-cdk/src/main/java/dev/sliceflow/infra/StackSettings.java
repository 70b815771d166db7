package dev.sliceflow.infra;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Node;

/**
 * Every setting of the stack, read once from CDK context (`cdk deploy -c key=value` or the "context" block of
 * cdk.json) and validated here, so that a wrong value fails synth with a message naming the key, never a deploy.
 * The keys and their defaults are documented in docs/deploy.md; keep both in step.
 *
 * @param prefix                 `prefix`: names of queues, functions and alarms start with it (default sliceflow)
 * @param functionJar            `functionJar`: the shaded Lambda jar (default ../function/target/sliceflow-function.jar,
 *                               relative to infra-cdk/ where the CLI runs the app)
 * @param architecture           `architecture`: arm64 (default) or x86_64
 * @param runtime                `runtime`: java25 (default) or java21
 * @param workerMemoryMb         `workerMemoryMb` (default 1769: one full vCPU)
 * @param workerTimeoutMinutes   `workerTimeoutMinutes` (default 15, Lambda's maximum)
 * @param workerMaxConcurrency   `workerMaxConcurrency`: the sync queue's event source cap (default 100)
 * @param loaderMemoryMb         `loaderMemoryMb` (default 1024)
 * @param loaderTimeoutMinutes   `loaderTimeoutMinutes` (default 10)
 * @param loaderMaxConcurrency   `loaderMaxConcurrency`: concurrent loads into the warehouse (default 2)
 * @param deadlineMarginSeconds  `deadlineMarginSeconds`: the worker commits and continues this long before its
 *                               timeout (default 60)
 * @param roleName               `roleName`: the role the worker assumes in each source account (optional)
 * @param externalId             `externalId`: the ExternalId that role requires (optional; needs roleName)
 * @param warehouseUrl           `warehouseUrl`: jdbc:postgresql://host[:port]/db (optional when the secret has
 *                               host/port/dbname); with neither this nor the secret the destination is the lake
 * @param warehouseSecretArn     `warehouseSecretArn`: complete ARN of a Secrets Manager secret in the RDS shape (optional)
 * @param vpc                    `vpcId`, `subnetIds`, `securityGroupIds` (comma-separated): loader VPC placement
 *                               (optional; all three or none), with `vpcEndpoints` and `routeTableIds`
 * @param stagingExpiryDays      `stagingExpiryDays`: data/, manifests/ and syncs/ objects expire after this (default 30)
 * @param logRetention           `logRetentionDays`: log group retention, one of CloudWatch's values (default 30)
 * @param queueAgeAlarmMinutes   `queueAgeAlarmMinutes`: alarm when a queue's oldest message is older (default 60)
 * @param alarmTopicArn          `alarmTopicArn`: an existing SNS topic for alarms (optional; without it the stack
 *                               creates one, so every alarm has an action)
 * @param alarmEmails            `alarmEmail`: comma-separated addresses subscribed to the alarm topic (optional)
 * @param deleteRemovedSlices    `deleteRemovedSlices`: true makes the loader delete, once a replace sync is complete,
 *                               the rows of slices the sync no longer covers (default false)
 * @param planner                `schedule`, `scheduleSpecKey`, `plannerMemoryMb` (default 1024),
 *                               `plannerTimeoutMinutes` (default 5), `discovery` (default false): the scheduled planner (optional; without
 *                               `schedule` the stack has no planner, and the other three keys are errors)
 * @param loadBatchSize          `loadBatchSize`: manifests per loader invocation, 1..10000 (default 1000)
 * @param loadBatchWindowSeconds `loadBatchWindowSeconds`: how long the load queue's event source gathers a batch,
 *                               0..300 (default 10 into a warehouse, 20 into the lake; Lambda requires at least 1
 *                               when loadBatchSize exceeds 10)
 * @param tracing                `tracing`: true turns on X-Ray active tracing for every function (default false)
 * @param lake                   the default destination, present when no warehouse is configured: `lakeDatabase`,
 *                               `lakeLoaderJar` ({@link Lake})
 */
public record StackSettings(String prefix, Path functionJar, Architecture architecture, Runtime runtime,
                            int workerMemoryMb, int workerTimeoutMinutes, int workerMaxConcurrency,
                            int loaderMemoryMb, int loaderTimeoutMinutes, int loaderMaxConcurrency,
                            int deadlineMarginSeconds, Optional<String> roleName, Optional<String> externalId,
                            Optional<String> warehouseUrl, Optional<String> warehouseSecretArn,
                            Optional<VpcPlacement> vpc, int stagingExpiryDays, RetentionDays logRetention,
                            int queueAgeAlarmMinutes, Optional<String> alarmTopicArn, List<String> alarmEmails,
                            boolean deleteRemovedSlices, Optional<PlannerSchedule> planner,
                            int loadBatchSize, int loadBatchWindowSeconds, boolean tracing,
                            Optional<Lake> lake) {

    /** Where the CLI (running in infra-cdk/) finds the jar that `./mvnw package` builds at the repo root. */
    public static final String DEFAULT_FUNCTION_JAR = "../function/target/sliceflow-function.jar";

    /** Where the CLI finds the lake loader's jar that `./mvnw package` builds (lake/). */
    public static final String DEFAULT_LAKE_LOADER_JAR = "../lake/target/sliceflow-lake-loader.jar";
    /**
     * A Glue database name that Athena takes unquoted: lower case, digits, underscores, starting with a letter (the
     * lake's own check, dev.sliceflow.lake.catalog.LakeUrl.NAMESPACE: HandlerEnvironmentTest parses the URL with it).
     */
    static final String GLUE_DATABASE = "[a-z][a-z0-9_]{0,254}";
    /** Loader memory for the lake: Parquet buffers a row group per open file, and zstd wants the second vCPU. */
    static final int LAKE_LOADER_MEMORY_MB = 3008;
    static final int WAREHOUSE_LOADER_MEMORY_MB = 1024;
    /**
     * Manifests per load, into the lake and a warehouse alike: every lake batch costs each table a commit, a state
     * file and a data file (1,000 small manifests load 2-3x faster in one batch than in ten), and a PostgreSQL batch
     * a transaction, its bookkeeping and, for a table it creates, one index build instead of an insert per row
     * (decisions.md #32: 1.2-1.4x the manifests/s of batches of 100 on first loads, 1.8-3x on replaces). Lambda caps
     * an invocation's payload at 6 MB: about 2 KB per S3 event leaves room for 1000.
     */
    static final int LOAD_BATCH_SIZE = 1000;
    static final int LAKE_LOAD_BATCH_WINDOW_SECONDS = 20;
    static final int WAREHOUSE_LOAD_BATCH_WINDOW_SECONDS = 10;

    /**
     * The lake: Iceberg tables in the staging bucket under {@code lake/}, in one Glue database, queried with Athena.
     *
     * @param database  `lakeDatabase`: the Glue database (Iceberg namespace) holding every table (default sliceflow)
     * @param loaderJar `lakeLoaderJar`: the lake loader's shaded jar (default
     *                  ../lake/target/sliceflow-lake-loader.jar, relative to infra-cdk/)
     */
    public record Lake(String database, Path loaderJar) {
    }

    /** Lambda's own limits on SQS event source maximum concurrency. */
    private static final int MIN_ESM_CONCURRENCY = 2;
    private static final int MAX_ESM_CONCURRENCY = 1000;

    private static final Map<Integer, RetentionDays> RETENTION = Map.ofEntries(
            Map.entry(1, RetentionDays.ONE_DAY), Map.entry(3, RetentionDays.THREE_DAYS),
            Map.entry(5, RetentionDays.FIVE_DAYS), Map.entry(7, RetentionDays.ONE_WEEK),
            Map.entry(14, RetentionDays.TWO_WEEKS), Map.entry(30, RetentionDays.ONE_MONTH),
            Map.entry(60, RetentionDays.TWO_MONTHS), Map.entry(90, RetentionDays.THREE_MONTHS),
            Map.entry(120, RetentionDays.FOUR_MONTHS), Map.entry(150, RetentionDays.FIVE_MONTHS),
            Map.entry(180, RetentionDays.SIX_MONTHS), Map.entry(365, RetentionDays.ONE_YEAR),
            Map.entry(400, RetentionDays.THIRTEEN_MONTHS), Map.entry(545, RetentionDays.EIGHTEEN_MONTHS),
            Map.entry(731, RetentionDays.TWO_YEARS), Map.entry(1096, RetentionDays.THREE_YEARS),
            Map.entry(1827, RetentionDays.FIVE_YEARS), Map.entry(3653, RetentionDays.TEN_YEARS));

    /** EventBridge's rate expressions: singular unit for 1, plural otherwise. */
    private static final String RATE = "rate\\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9]\\d+) (?:minutes|hours|days))\\)";
    private static final Pattern CRON = Pattern.compile("cron\\((.+)\\)");
    private static final String CRON_FIELD = "[0-9A-Za-z*?,/#-]+";

    /**
     * The scheduled planner: an EventBridge rule with this schedule expression (UTC) invokes it with
     * {"specKey": specKey, "scheduledTime": the event's time}.
     *
     * @param discovery `discovery`: the planner may discover accounts (AWS Organizations) and regions (EC2
     *                  DescribeRegions, through the role in each account), for specs with organization: true or
     *                  regions: ["*"] (default false)
     */
    public record PlannerSchedule(String expression, String specKey, int memoryMb, int timeoutMinutes,
                                  boolean discovery) {
    }

    /**
     * The loader's VPC placement, for a warehouse (RDS/Aurora) that is reachable only inside a VPC.
     *
     * @param endpoints     `vpcEndpoints`: create the VPC endpoints the loader needs (S3 gateway; SQS, Secrets
     *                      Manager, STS interface endpoints) instead of relying on a NAT gateway (default false)
     * @param routeTableIds `routeTableIds`: the route tables of the loader's subnets, where the S3 gateway endpoint
     *                      adds its route (required with vpcEndpoints=true)
     */
    public record VpcPlacement(String vpcId, List<String> subnetIds, List<String> securityGroupIds,
                               boolean endpoints, List<String> routeTableIds) {
        public VpcPlacement(String vpcId, List<String> subnetIds, List<String> securityGroupIds) {
            this(vpcId, subnetIds, securityGroupIds, false, List.of());
        }
    }

    /** AWS resource ids: a type prefix and 8 (older) or 17 lowercase hex digits. */
    private static final String HEX_ID = "-(?:[0-9a-f]{8}|[0-9a-f]{17})";
    private static final String REGION = "[a-z]{2}(?:-[a-z]+)+-\\d";
    private static final String PARTITION = "arn:aws(?:-[a-z]+)*";
    private static final int MAX_LOAD_BATCH_WITHOUT_WINDOW = 10;

    /**
     * @throws IllegalArgumentException naming the context key, the bad value and what is allowed
     */
    public static StackSettings fromContext(Node node) {
        Context c = new Context(node);
        Optional<PlannerSchedule> planner = planner(c);
        Optional<String> roleName = c.text("roleName");
        Optional<String> externalId = c.text("externalId");
        if (externalId.isPresent() && roleName.isEmpty()) {
            throw new IllegalArgumentException("Context key 'externalId' is set without 'roleName': the ExternalId"
                    + " only applies to the role the worker assumes. Set -c roleName=<role name in each account>.");
        }
        roleName.ifPresent(name -> requireMatch("roleName", name, "[\\w+=,.@-]{1,64}",
                "an IAM role name: 1 to 64 letters, digits or +=,.@_-, e.g. SliceflowReadOnly"));
        Optional<String> alarmTopicArn = c.text("alarmTopicArn");
        alarmTopicArn.ifPresent(arn -> requireMatch("alarmTopicArn", arn,
                PARTITION + ":sns:" + REGION + ":\\d{12}:[A-Za-z0-9_-]{1,256}",
                "the ARN of a standard SNS topic, arn:aws:sns:<region>:<12-digit account>:<topic name>,"
                        + " e.g. arn:aws:sns:eu-west-1:123456789012:oncall (CloudWatch alarms cannot notify a FIFO"
                        + " topic)"));
        List<String> alarmEmails = c.list("alarmEmail");
        alarmEmails.forEach(email -> requireMatch("alarmEmail", email, "[^@\\s,]+@[^@\\s,]+\\.[^@\\s,]+",
                "one or more e-mail addresses, comma-separated, e.g. oncall@example.com,ops@example.com"));
        Optional<String> secretArn = c.text("warehouseSecretArn");
        secretArn.ifPresent(arn -> requireMatch("warehouseSecretArn", arn,
                PARTITION + ":secretsmanager:" + REGION + ":\\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}",
                "the complete ARN of a Secrets Manager secret, ending in the 6 characters Secrets Manager adds,"
                        + " e.g. arn:aws:secretsmanager:eu-west-1:123456789012:secret:sliceflow/warehouse-AbC123"));
        Optional<String> warehouseUrl = c.text("warehouseUrl").map(StackSettings::warehouseUrl);
        Optional<Lake> lake = lake(c, warehouseUrl.isPresent() || secretArn.isPresent());
        RetentionDays retention = retention(c.number("logRetentionDays", 30, 1, 3653));
        int workerTimeoutMinutes = c.number("workerTimeoutMinutes", 15, 1, 15);
        int deadlineMarginSeconds = c.number("deadlineMarginSeconds", 60, 0, 600);
        if (deadlineMarginSeconds >= workerTimeoutMinutes * 60) {
            throw new IllegalArgumentException("Context key 'deadlineMarginSeconds' is " + deadlineMarginSeconds
                    + ": it must be shorter than the worker's timeout (" + workerTimeoutMinutes * 60 + " s), or"
                    + " the worker would commit before doing any work.");
        }
        int loadBatchSize = c.number("loadBatchSize", LOAD_BATCH_SIZE, 1, 10000);
        int loadBatchWindowSeconds = c.number("loadBatchWindowSeconds", lake.isPresent()
                ? LAKE_LOAD_BATCH_WINDOW_SECONDS : WAREHOUSE_LOAD_BATCH_WINDOW_SECONDS, 0, 300);
        if (loadBatchSize > MAX_LOAD_BATCH_WITHOUT_WINDOW && loadBatchWindowSeconds < 1) {
            throw new IllegalArgumentException("Context key 'loadBatchWindowSeconds' is " + loadBatchWindowSeconds
                    + " with 'loadBatchSize' " + loadBatchSize + ": Lambda requires a batching window of at least 1"
                    + " second when the batch size exceeds " + MAX_LOAD_BATCH_WITHOUT_WINDOW + ". Set -c"
                    + " loadBatchWindowSeconds=1 (or more, up to 300), or -c loadBatchSize=10 or less.");
        }
        return new StackSettings(
                requireMatch("prefix", c.text("prefix").orElse("sliceflow"), "[a-z][a-z0-9-]{0,29}",
                        "1 to 30 lowercase letters, digits or '-', starting with a letter, e.g. acme-elt"),
                Path.of(c.text("functionJar").orElse(DEFAULT_FUNCTION_JAR)),
                architecture(c.text("architecture").orElse("arm64")),
                runtime(c.text("runtime").orElse("java25")),
                c.number("workerMemoryMb", 1769, 128, 10240),
                workerTimeoutMinutes,
                c.number("workerMaxConcurrency", 100, MIN_ESM_CONCURRENCY, MAX_ESM_CONCURRENCY),
                c.number("loaderMemoryMb", lake.isPresent() ? LAKE_LOADER_MEMORY_MB : WAREHOUSE_LOADER_MEMORY_MB,
                        128, 10240),
                c.number("loaderTimeoutMinutes", 10, 1, 15),
                c.number("loaderMaxConcurrency", 2, MIN_ESM_CONCURRENCY, MAX_ESM_CONCURRENCY),
                deadlineMarginSeconds,
                roleName, externalId,
                warehouseUrl, secretArn,
                vpc(c, lake.isPresent()),
                c.number("stagingExpiryDays", 30, 1, 3650),
                retention,
                c.number("queueAgeAlarmMinutes", 60, 1, 24 * 60),
                alarmTopicArn, alarmEmails,
                bool(c, "deleteRemovedSlices"),
                planner,
                loadBatchSize, loadBatchWindowSeconds,
                bool(c, "tracing"),
                lake);
    }

    /** The lake, unless a warehouse is configured; the lake's keys beside a warehouse are an error. */
    private static Optional<Lake> lake(Context c, boolean warehouse) {
        if (warehouse) {
            for (String key : List.of("lakeDatabase", "lakeLoaderJar")) {
                if (c.text(key).isPresent()) {
                    throw new IllegalArgumentException("Context key '" + key + "' is set with a warehouse"
                            + " (warehouseUrl or warehouseSecretArn): the lake is the destination only when no"
                            + " warehouse is configured. Remove -c " + key + "=..., or the warehouse settings.");
                }
            }
            return Optional.empty();
        }
        String database = requireMatch("lakeDatabase", c.text("lakeDatabase").orElse("sliceflow"), GLUE_DATABASE,
                "a Glue database name that Athena reads unquoted: 1 to 255 lowercase letters, digits or '_',"
                        + " starting with a letter, e.g. sliceflow or acme_inventory");
        return Optional.of(new Lake(database, Path.of(c.text("lakeLoaderJar").orElse(DEFAULT_LAKE_LOADER_JAR))));
    }

    /** True when someone receives the alarms: an existing topic (its subscribers are not ours to see) or an e-mail. */
    public boolean alarmsReachSomeone() {
        return alarmTopicArn.isPresent() || !alarmEmails.isEmpty();
    }

    /**
     * The loader runs in Lambda, where only PostgreSQL (also Aurora and RDS) is built in; credentials belong in the
     * secret, never in the URL: the URL is a plain environment variable, visible to anyone who can read the function.
     */
    private static String warehouseUrl(String value) {
        requireMatch("warehouseUrl", value, "jdbc:postgresql://[^/?#\\s]+(?:/[^?#\\s]*)?(?:\\?\\S*)?",
                "a PostgreSQL JDBC URL, jdbc:postgresql://<host>[:<port>]/<database>, e.g."
                        + " jdbc:postgresql://warehouse.internal:5432/analytics (DuckDB runs only in local mode)");
        if (value.toLowerCase(java.util.Locale.ROOT).matches(".*[?&]password=.*")) {
            throw new IllegalArgumentException("Context key 'warehouseUrl' carries a password: it would be readable"
                    + " in the function's configuration. Remove it from the URL and put the credentials in a Secrets"
                    + " Manager secret, -c warehouseSecretArn=<ARN>.");
        }
        return value;
    }

    private static boolean bool(Context c, String key) {
        return c.text(key).map(value -> switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Context key '" + key + "' must be true or false, got '"
                    + value + "'.");
        }).orElse(false);
    }

    private static Optional<PlannerSchedule> planner(Context c) {
        Optional<String> schedule = c.text("schedule");
        int memoryMb = c.number("plannerMemoryMb", 1024, 128, 10240);
        int timeoutMinutes = c.number("plannerTimeoutMinutes", 5, 1, 15);
        if (schedule.isEmpty()) {
            for (String key : List.of("scheduleSpecKey", "plannerMemoryMb", "plannerTimeoutMinutes", "discovery")) {
                if (c.text(key).isPresent()) {
                    throw new IllegalArgumentException("Context key '" + key + "' is set without 'schedule': the"
                            + " planner exists only with a schedule. Set -c schedule='cron(0 2 * * ? *)' (or a"
                            + " rate(...)), or remove -c " + key + "=...");
                }
            }
            return Optional.empty();
        }
        String expression = scheduleExpression(schedule.get());
        String specKey = c.text("scheduleSpecKey").orElseThrow(() -> new IllegalArgumentException(
                "Context key 'schedule' is set without 'scheduleSpecKey': the planner needs the sync spec to run,"
                        + " a key under " + StagingBucket.SPECS_PREFIX + " in the staging bucket. Set -c"
                        + " scheduleSpecKey=specs/nightly.yaml (docs/deploy.md)."));
        return Optional.of(new PlannerSchedule(expression, specKey(specKey), memoryMb, timeoutMinutes,
                bool(c, "discovery")));
    }

    /** An EventBridge rule schedule: rate(...), or cron(...) with six fields and '?' in one of the two day fields. */
    private static String scheduleExpression(String value) {
        String allowed = ": use rate(<n> minute(s)|hour(s)|day(s)), e.g. rate(1 day), or cron(<minutes> <hours>"
                + " <day-of-month> <month> <day-of-week> <year>) in UTC with '?' in exactly one of the day fields,"
                + " e.g. cron(0 2 * * ? *)";
        if (value.matches(RATE)) {
            return value;
        }
        Matcher cron = CRON.matcher(value);
        if (!cron.matches()) {
            throw new IllegalArgumentException("Context key 'schedule' is '" + value + "'" + allowed);
        }
        String[] fields = cron.group(1).strip().split("\\s+");
        if (fields.length != 6 || !Arrays.stream(fields).allMatch(f -> f.matches(CRON_FIELD))) {
            throw new IllegalArgumentException("Context key 'schedule' is '" + value + "': a cron expression has"
                    + " six fields" + allowed);
        }
        if ("?".equals(fields[2]) == "?".equals(fields[4])) {
            throw new IllegalArgumentException("Context key 'schedule' is '" + value + "': EventBridge needs '?' in"
                    + " exactly one of day-of-month and day-of-week" + allowed);
        }
        return value;
    }

    /** The key of a sync spec in the staging bucket: what the planner itself accepts. */
    private static String specKey(String value) {
        String prefix = StagingBucket.SPECS_PREFIX;
        boolean names = value.startsWith(prefix) && value.length() > prefix.length() && !value.endsWith("/");
        if (!names || value.contains("..") || value.length() > 1024 || !value.matches("\\S+")) {
            throw new IllegalArgumentException("Context key 'scheduleSpecKey' is '" + value + "': it must be the key"
                    + " of an object under " + prefix + " in the staging bucket (no '..', no spaces),"
                    + " e.g. specs/nightly.yaml");
        }
        return value;
    }

    private static Optional<VpcPlacement> vpc(Context c, boolean lake) {
        Optional<String> vpcId = c.text("vpcId");
        List<String> subnets = c.list("subnetIds");
        List<String> groups = c.list("securityGroupIds");
        boolean endpoints = bool(c, "vpcEndpoints");
        List<String> routeTables = c.list("routeTableIds");
        if (lake && (vpcId.isPresent() || !subnets.isEmpty() || !groups.isEmpty())) {
            throw new IllegalArgumentException("Loader VPC placement (vpcId, subnetIds, securityGroupIds) is for a"
                    + " warehouse reachable only inside a VPC, and no warehouse is configured: the destination is the"
                    + " lake, which the loader reaches through Glue's and S3's public endpoints. Set"
                    + " -c warehouseSecretArn=... (or warehouseUrl) for a warehouse in the VPC, or remove the VPC"
                    + " settings.");
        }
        if (vpcId.isEmpty() && subnets.isEmpty() && groups.isEmpty()) {
            for (String key : List.of("vpcEndpoints", "routeTableIds")) {
                if (c.text(key).isPresent() || !c.list(key).isEmpty()) {
                    throw new IllegalArgumentException("Context key '" + key + "' is set without a loader VPC: set"
                            + " 'vpcId', 'subnetIds' and 'securityGroupIds' too, or remove -c " + key + "=...");
                }
            }
            return Optional.empty();
        }
        if (vpcId.isEmpty() || subnets.isEmpty() || groups.isEmpty()) {
            throw new IllegalArgumentException("Loader VPC placement needs all of 'vpcId', 'subnetIds' and"
                    + " 'securityGroupIds' (comma-separated), or none of them. Got vpcId=" + vpcId.orElse("-")
                    + ", subnetIds=" + subnets + ", securityGroupIds=" + groups);
        }
        requireId("vpcId", vpcId.get(), "vpc");
        subnets.forEach(id -> requireId("subnetIds", id, "subnet"));
        groups.forEach(id -> requireId("securityGroupIds", id, "sg"));
        routeTables.forEach(id -> requireId("routeTableIds", id, "rtb"));
        if (endpoints && routeTables.isEmpty()) {
            throw new IllegalArgumentException("Context key 'vpcEndpoints' is true without 'routeTableIds': the S3"
                    + " gateway endpoint adds its route to the route tables of the loader's subnets. Set -c"
                    + " routeTableIds=rtb-...,rtb-... (aws ec2 describe-route-tables --filters"
                    + " Name=association.subnet-id,Values=<subnet id>).");
        }
        if (!endpoints && !routeTables.isEmpty()) {
            throw new IllegalArgumentException("Context key 'routeTableIds' is set without -c vpcEndpoints=true:"
                    + " only the S3 gateway endpoint uses it. Add -c vpcEndpoints=true, or remove it.");
        }
        return Optional.of(new VpcPlacement(vpcId.get(), subnets, groups, endpoints, routeTables));
    }

    private static void requireId(String key, String value, String type) {
        requireMatch(key, value, type + HEX_ID, type + "- followed by 8 or 17 lowercase hex digits, e.g. " + type
                + "-0a1b2c3d or " + type + "-0a1b2c3d4e5f67890");
    }

    private static Architecture architecture(String value) {
        return switch (value) {
            case "arm64" -> Architecture.ARM_64;
            case "x86_64" -> Architecture.X86_64;
            default -> throw new IllegalArgumentException(
                    "Context key 'architecture' is '" + value + "': use arm64 or x86_64.");
        };
    }

    private static Runtime runtime(String value) {
        return switch (value) {
            case "java25" -> Runtime.JAVA_25;
            case "java21" -> Runtime.JAVA_21;
            default -> throw new IllegalArgumentException(
                    "Context key 'runtime' is '" + value + "': use java25 or java21 (the jar targets Java 21).");
        };
    }

    private static RetentionDays retention(int days) {
        RetentionDays value = RETENTION.get(days);
        if (value == null) {
            throw new IllegalArgumentException("Context key 'logRetentionDays' is " + days
                    + ": CloudWatch Logs accepts one of " + RETENTION.keySet().stream().sorted().toList());
        }
        return value;
    }

    private static String requireMatch(String key, String value, String pattern, String expected) {
        if (!value.matches(pattern)) {
            throw new IllegalArgumentException("Context key '" + key + "' is '" + value + "': expected " + expected);
        }
        return value;
    }

    /** Context values arrive as strings from `-c` and as JSON values from cdk.json: read both. */
    private record Context(Node node) {
        Optional<String> text(String key) {
            return Optional.ofNullable(node.tryGetContext(key)).map(Object::toString).map(String::strip)
                    .filter(v -> !v.isEmpty());
        }

        List<String> list(String key) {
            Object value = node.tryGetContext(key);
            if (value instanceof List<?> items) {
                return items.stream().map(Object::toString).map(String::strip).filter(v -> !v.isEmpty()).toList();
            }
            return text(key).map(v -> Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                    .toList()).orElse(List.of());
        }

        int number(String key, int defaultValue, int min, int max) {
            Optional<String> raw = text(key);
            if (raw.isEmpty()) {
                return defaultValue;
            }
            int value;
            try {
                value = (int) Double.parseDouble(raw.get());
                if (value != Double.parseDouble(raw.get())) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Context key '" + key + "' is '" + raw.get()
                        + "': it must be a whole number", e);
            }
            if (value < min || value > max) {
                throw new IllegalArgumentException("Context key '" + key + "' is " + value
                        + ": it must be between " + min + " and " + max);
            }
            return value;
        }
    }
}

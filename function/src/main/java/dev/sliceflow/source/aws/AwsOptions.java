package dev.sliceflow.source.aws;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The aws source's options (source.options of a sync request), checked once; see docs/aws-source.md.
 *
 * @param roleName     role to assume in the slice's account (default: the function's SLICEFLOW_ROLE_NAME)
 * @param roleArn      an explicit role ARN to assume instead (its account must be the slice's)
 * @param externalId   ExternalId for AssumeRole (default: SLICEFLOW_EXTERNAL_ID)
 * @param homeAccount  the account whose slices use the function's own credentials, without AssumeRole
 * @param globalRegion the region slice that syncs global tables (IAM, the S3 bucket list)
 * @param concurrency  tables fetched at once in a slice
 * @param maxAttempts  attempts per AWS call, first included
 */
record AwsOptions(Optional<String> roleName, Optional<String> roleArn, Optional<String> externalId,
                  Optional<String> homeAccount, Optional<String> globalRegion, int concurrency, int maxAttempts) {
    static final Set<String> KNOWN = Set.of("roleName", "roleArn", "externalId", "homeAccount", "globalRegion",
            "concurrency", "maxAttempts");
    static final int DEFAULT_CONCURRENCY = 4;
    static final int MAX_CONCURRENCY = 16;
    private static final Pattern ROLE_NAME = Pattern.compile("[\\w+=,.@/-]{1,512}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::([0-9]{12}):role/[\\w+=,.@/-]{1,512}");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    static AwsOptions parse(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new InvalidInputException("unknown aws source option " + Identifiers.printable(key) + "; known: "
                        + String.join(", ", KNOWN.stream().sorted().toList()));
            }
        }
        Optional<String> roleName = get(options, "roleName");
        roleName.ifPresent(v -> Identifiers.check("aws source option roleName", v, ROLE_NAME, "an IAM role name"));
        Optional<String> roleArn = get(options, "roleArn");
        roleArn.ifPresent(v -> Identifiers.check("aws source option roleArn", v, ROLE_ARN,
                "an IAM role ARN, arn:aws:iam::<account>:role/<name>"));
        if (roleName.isPresent() && roleArn.isPresent()) {
            throw new InvalidInputException("aws source options roleName and roleArn exclude each other: give one");
        }
        Optional<String> externalId = get(options, "externalId");
        externalId.ifPresent(v -> Identifiers.check("aws source option externalId", v, EXTERNAL_ID,
                "2-1224 of [A-Za-z0-9+=,.@:/_-]"));
        Optional<String> home = get(options, "homeAccount");
        home.ifPresent(Identifiers::account);
        Optional<String> globalRegion = get(options, "globalRegion");
        globalRegion.ifPresent(Identifiers::region);
        return new AwsOptions(roleName, roleArn, externalId, home, globalRegion,
                number(options, "concurrency", DEFAULT_CONCURRENCY, 1, MAX_CONCURRENCY),
                number(options, "maxAttempts", AwsRetries.DEFAULT.maxAttempts(), 1, 20));
    }

    /** The account a roleArn option names. */
    static String accountOf(String roleArn) {
        var matcher = ROLE_ARN.matcher(roleArn);
        if (!matcher.matches()) {
            throw new InvalidInputException("invalid roleArn " + Identifiers.printable(roleArn));
        }
        return matcher.group(1);
    }

    private static Optional<String> get(Map<String, String> options, String key) {
        return Optional.ofNullable(options.get(key)).map(String::strip).filter(v -> !v.isEmpty());
    }

    private static int number(Map<String, String> options, String key, int fallback, int min, int max) {
        Optional<String> value = get(options, key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException("out of range");
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidInputException("aws source option " + key + " must be a whole number " + min + ".." + max
                    + ", got " + Identifiers.printable(value.get()), e);
        }
    }
}

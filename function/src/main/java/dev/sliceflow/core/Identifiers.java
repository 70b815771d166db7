package dev.sliceflow.core;

import java.util.regex.Pattern;

/**
 * The strict patterns every input-derived identifier must match before it reaches an S3 key or a SQL statement.
 * None of them admits '/', '..', spaces, quotes or control characters.
 */
public final class Identifiers {
    /** AWS account ids: exactly 12 digits. */
    public static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    /** AWS region names: us-east-1, us-gov-west-1, ap-southeast-2, eu-central-2. */
    public static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+){1,2}-[0-9]{1,2}");
    /** Sync ids: letters, digits, '-' and '_', 1 to 64, starting with a letter or digit. */
    public static final Pattern SYNC_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** Table names: lower-case snake case, as warehouses accept them unquoted. */
    public static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Column names: lower-case snake case; a leading '_' is reserved for sliceflow's metadata columns. */
    public static final Pattern COLUMN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Source kinds: synthetic, aws. */
    public static final Pattern SOURCE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    /** Attempt ids inside part keys: lower-case letters and digits. */
    public static final Pattern ATTEMPT = Pattern.compile("[a-z0-9]{1,32}");

    private Identifiers() {
    }

    public static String account(String value) {
        return check("account", value, ACCOUNT, "12 digits");
    }

    public static String region(String value) {
        return check("region", value, REGION, "a region name such as us-east-1");
    }

    public static String syncId(String value) {
        return check("syncId", value, SYNC_ID, "1-64 of [A-Za-z0-9_-], starting with a letter or digit");
    }

    public static String table(String value) {
        return check("table", value, TABLE, "1-63 of [a-z0-9_], starting with a letter");
    }

    public static String column(String value) {
        return check("column", value, COLUMN, "1-63 of [a-z0-9_], starting with a letter or '_'");
    }

    public static String source(String value) {
        return check("source", value, SOURCE, "1-32 of [a-z0-9_-], starting with a letter");
    }

    public static String attempt(String value) {
        return check("attempt", value, ATTEMPT, "1-32 of [a-z0-9]");
    }

    /**
     * Checks {@code value} against {@code pattern}.
     *
     * @throws InvalidInputException naming the field, the (escaped) value and the rule
     */
    public static String check(String field, String value, Pattern pattern, String rule) {
        if (value == null) {
            throw new InvalidInputException(field + " is missing");
        }
        if (!pattern.matcher(value).matches()) {
            throw new InvalidInputException("invalid " + field + " " + printable(value) + ": must be " + rule);
        }
        return value;
    }

    /**
     * Renders untrusted text for an error message or a log line: quoted, control characters escaped, at most
     * 80 characters, so a hostile value cannot forge log lines or flood them.
     */
    public static String printable(String value) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 80) + 2).append('\'');
        int limit = Math.min(value.length(), 80);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c == '\'' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}

package dev.sliceflow.planner;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.TableSelector;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a sync spec from YAML and checks it, with errors that name the field and its line:
 * {@code sync.yaml: line 4: accounts.list[1]: invalid account '12345': must be 12 digits}.
 */
public final class SyncSpecParser {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SyncSpecParser() {
    }

    /**
     * @param origin the file name, for messages
     * @throws InvalidInputException naming origin, line and field
     */
    public static SyncSpec parse(String origin, String yaml) {
        if (yaml == null || yaml.isBlank()) {
            throw new InvalidInputException(origin + ": the spec is empty");
        }
        SyncSpec spec;
        try {
            spec = YAML.readValue(yaml, SyncSpec.class);
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            // Jackson's location for an unknown key is where parsing stopped; the key's own line is what helps.
            throw new InvalidInputException(origin + ": " + lineOf(yaml, e.getPropertyName()) + reason(e), e);
        } catch (JsonMappingException e) {
            com.fasterxml.jackson.core.exc.StreamReadException syntax = syntaxError(e);
            if (syntax != null) {
                throw new InvalidInputException(origin + ": " + where(syntax.getLocation()) + "not valid YAML: "
                        + oneLine(syntax.getOriginalMessage()), e);
            }
            throw new InvalidInputException(origin + ": " + where(e.getLocation()) + path(e) + reason(e), e);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(origin + ": " + where(e.getLocation()) + "not valid YAML: "
                    + e.getOriginalMessage(), e);
        }
        if (spec == null) {
            throw new InvalidInputException(origin + ": the spec is empty");
        }
        check(origin, yaml, spec);
        return spec;
    }

    private static void check(String origin, String yaml, SyncSpec spec) {
        require(origin, yaml, spec.name() != null, "name", "is required");
        at(origin, yaml, "name", () -> Identifiers.check("name", spec.name(), Identifiers.SYNC_ID,
                "1-64 of [A-Za-z0-9_-], starting with a letter or digit"));
        require(origin, yaml, spec.source() != null, "source", "is required");
        require(origin, yaml, spec.accounts() != null, "accounts", "is required");
        SyncSpec.Accounts accounts = spec.accounts();
        require(origin, yaml, accounts.organization() || !accounts.list().isEmpty(), "accounts",
                "needs a list of accounts or organization: true");
        require(origin, yaml, !(accounts.organization() && !accounts.list().isEmpty()), "accounts",
                "takes either list or organization, not both");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < accounts.list().size(); i++) {
            String account = accounts.list().get(i);
            at(origin, yaml, "list", () -> Identifiers.account(account));
            require(origin, yaml, seen.add(account), "list", "account " + account + " is listed twice");
        }
        for (String skipped : accounts.skip()) {
            at(origin, yaml, "skip", () -> Identifiers.account(skipped));
        }
        require(origin, yaml, !spec.regions().isEmpty(), "regions", "needs at least one region, or \"*\"");
        if (!spec.allRegions()) {
            Set<String> regions = new HashSet<>();
            for (String region : spec.regions()) {
                at(origin, yaml, "regions", () -> Identifiers.region(region));
                require(origin, yaml, regions.add(region), "regions", "region " + region + " is listed twice");
            }
        }
        for (String pattern : spec.tables()) {
            at(origin, yaml, "tables", () -> TableSelector.matches(pattern, "x"));
        }
        // The request's own rules (table globs, CSV ranges) apply to every slice: check them once here.
        at(origin, yaml, "tables", () -> new SyncRequest(null, "check", Instant.EPOCH, spec.source(), "000000000000",
                "us-east-1", spec.tables(), spec.skipTables(), spec.writeMode(), spec.csv(), 0));
    }

    private static void require(String origin, String yaml, boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidInputException(origin + ": " + lineOf(yaml, field) + field + ": " + message);
        }
    }

    private static void at(String origin, String yaml, String field, Runnable check) {
        try {
            check.run();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(origin + ": " + lineOf(yaml, field) + field + ": " + e.getMessage(), e);
        }
    }

    /** The line where a key first appears, for semantic errors found after parsing. */
    private static String lineOf(String yaml, String field) {
        String[] lines = yaml.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].stripLeading().startsWith(field + ":")) {
                return "line " + (i + 1) + ": ";
            }
        }
        return "";
    }

    private static com.fasterxml.jackson.core.exc.StreamReadException syntaxError(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.fasterxml.jackson.core.exc.StreamReadException read) {
                return read;
            }
        }
        return null;
    }

    /** snakeyaml's messages span lines with a caret drawing; keep the problem, drop the drawing. */
    private static String oneLine(String message) {
        String[] lines = message.split("\n");
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.equals("^") || trimmed.startsWith("in 'reader'") || line.startsWith("    ")) {
                continue;
            }
            out.append(out.isEmpty() ? "" : " ").append(trimmed);
        }
        return out.toString();
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : "line " + location.getLineNr() + ": ";
    }

    private static String path(JsonMappingException e) {
        String path = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return path.isEmpty() ? "" : path + ": ";
    }

    private static String reason(JsonMappingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidInputException invalid) {
                return invalid.getMessage();
            }
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException unknown) {
            return "unknown key '" + unknown.getPropertyName() + "'; known: " + unknown.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
        }
        return e.getOriginalMessage();
    }
}

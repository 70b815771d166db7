package dev.sliceflow.request;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Identifiers;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Selects tables by name or glob ('*' matches any run of characters), minus a skip list. */
public final class TableSelector {
    private static final Pattern GLOB = Pattern.compile("[a-z0-9_*]{1,63}");

    private TableSelector() {
    }

    static void checkPattern(String field, String pattern) {
        Identifiers.check(field + " entry", pattern, GLOB, "a table name or glob of [a-z0-9_*]");
    }

    public static boolean matches(String glob, String name) {
        return Pattern.compile(glob.replace("*", ".*")).matcher(name).matches();
    }

    /**
     * The names from {@code available} (in their order) that some include pattern matches and no skip pattern does.
     *
     * @throws InvalidInputException when an include pattern matches no table: a typo must not become an empty sync
     */
    public static List<String> select(List<String> available, List<String> include, List<String> skip) {
        for (String pattern : include) {
            if (available.stream().noneMatch(name -> matches(pattern, name))) {
                throw new InvalidInputException("table " + Identifiers.printable(pattern)
                        + " matches no table of this source; available: " + String.join(", ", available));
            }
        }
        List<String> selected = new ArrayList<>();
        for (String name : available) {
            boolean included = include.stream().anyMatch(pattern -> matches(pattern, name));
            boolean skipped = skip.stream().anyMatch(pattern -> matches(pattern, name));
            if (included && !skipped) {
                selected.add(name);
            }
        }
        return selected;
    }
}

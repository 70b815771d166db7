package dev.sliceflow.request;

import dev.sliceflow.core.Identifiers;
import java.util.Map;

/**
 * Which source a slice reads and its options (strings, interpreted by that source).
 *
 * @param kind    a registered source kind: synthetic, aws
 * @param options source-specific settings, e.g. {"rowsPerTable": "1000", "seed": "42"}
 */
public record SourceSpec(String kind, Map<String, String> options) {
    public SourceSpec {
        Identifiers.source(kind);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    public static SourceSpec of(String kind) {
        return new SourceSpec(kind, Map.of());
    }
}

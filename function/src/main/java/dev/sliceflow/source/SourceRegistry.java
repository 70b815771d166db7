package dev.sliceflow.source;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The source kinds a worker can open. */
public final class SourceRegistry {
    private final Map<String, SourceFactory> factories = new LinkedHashMap<>();

    public SourceRegistry(List<SourceFactory> factories) {
        for (SourceFactory factory : factories) {
            if (this.factories.put(factory.kind(), factory) != null) {
                throw new IllegalArgumentException("source kind " + factory.kind() + " registered twice");
            }
        }
    }

    /** @throws InvalidInputException naming the unknown kind and the known ones */
    public SourceFactory get(String kind) {
        SourceFactory factory = factories.get(kind);
        if (factory == null) {
            throw new InvalidInputException("unknown source " + Identifiers.printable(kind) + "; known: "
                    + String.join(", ", factories.keySet()));
        }
        return factory;
    }
}

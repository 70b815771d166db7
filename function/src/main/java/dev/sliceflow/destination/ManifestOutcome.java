package dev.sliceflow.destination;

import dev.sliceflow.core.InvalidInputException;

/** What a destination did with one manifest of a batch. */
public sealed interface ManifestOutcome {
    String key();

    /** Committed, or skipped because the ledger already held it ({@link LoadResult#skipped()}). */
    record Loaded(String key, LoadResult result) implements ManifestOutcome {
    }

    /** Can never load as it is (a type change, a value a column refuses, a part unlike its listing): nothing of it was written. */
    record Rejected(String key, InvalidInputException error) implements ManifestOutcome {
    }

    /** May load later (a part not yet visible, the destination unreachable): nothing of it was written. */
    record Retry(String key, TransientLoadException error) implements ManifestOutcome {
    }
}

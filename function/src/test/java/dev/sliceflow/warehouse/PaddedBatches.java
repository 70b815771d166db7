package dev.sliceflow.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.Bookkeeping;
import dev.sliceflow.destination.ForwardingBookkeeping;
import dev.sliceflow.destination.ManifestOutcome;
import dev.sliceflow.destination.PartOpener;
import dev.sliceflow.destination.StagedManifest;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.ColumnType;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.testing.ManifestFixtures;
import dev.sliceflow.testing.ManifestFixtures.Fixture;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every contract test with each manifest loaded in the middle of a batch: a warehouse that pads each batch with a
 * healthy neighbour before and after (another account, sync and table), and checks that the neighbours load whatever
 * happens to the manifests under test, unless the whole batch failed transiently. So every rule of docs/loading.md,
 * poisoned manifests and failing parts included, holds for batches too.
 */
public final class PaddedBatches implements Warehouse, ForwardingBookkeeping {
    static final String NEIGHBOUR_ACCOUNT = "999988887777";
    static final TableSchema NEIGHBOURS = new TableSchema("zz_neighbours",
            List.of(Column.required("n", ColumnType.LONG), Column.of("note", ColumnType.STRING)), List.of("n"));
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Warehouse real;

    public PaddedBatches(Warehouse real) {
        this.real = real;
    }

    @Override
    public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts) {
        return load(batch, parts, dev.sliceflow.destination.LoadDeadline.none());
    }

    @Override
    public List<ManifestOutcome> load(List<StagedManifest> batch, PartOpener parts,
                                      dev.sliceflow.destination.LoadDeadline deadline) {
        Fixture before = neighbour();
        Fixture after = neighbour();
        List<StagedManifest> padded = new ArrayList<>();
        padded.add(staged(before));
        padded.addAll(batch);
        padded.add(staged(after));
        PartOpener opener = part -> {
            byte[] bytes = before.parts().containsKey(part.key()) ? before.parts().get(part.key())
                    : after.parts().get(part.key());
            return bytes != null ? new ByteArrayInputStream(bytes) : parts.open(part);
        };
        List<ManifestOutcome> outcomes = real.load(padded, opener, deadline);
        assertThat(outcomes).hasSize(padded.size());
        boolean allRetried = outcomes.subList(1, outcomes.size() - 1).stream()
                .allMatch(o -> o instanceof ManifestOutcome.Retry);
        for (ManifestOutcome neighbour : List.of(outcomes.get(0), outcomes.get(outcomes.size() - 1))) {
            if (allRetried && neighbour instanceof ManifestOutcome.Retry) {
                continue;
            }
            assertThat(neighbour).as("a healthy neighbour in the batch").isInstanceOf(ManifestOutcome.Loaded.class);
        }
        return outcomes.subList(1, outcomes.size() - 1);
    }

    private static Fixture neighbour() {
        int n = SEQUENCE.incrementAndGet();
        return ManifestFixtures.manifest("neighbour-" + n, Instant.parse("2026-01-05T00:00:00Z"))
                .account(NEIGHBOUR_ACCOUNT)
                .table(NEIGHBOURS, List.of(ManifestFixtures.row((long) n, "before, \"quoted\""),
                        ManifestFixtures.row((long) -n, null)))
                .build();
    }

    private static StagedManifest staged(Fixture f) {
        return new StagedManifest(f.key(), f.sha256(), f.manifest());
    }

    @Override
    public Bookkeeping bookkeeping() {
        return real;
    }

    @Override
    public void close() {
        real.close();
    }
}

package dev.sliceflow.destination;

import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.manifest.Manifest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The frame every destination's {@link Destination#load} shares: each manifest checked first (one that fails is
 * rejected alone, its reason naming it), the rest loaded, one outcome per manifest in the batch's order.
 */
public final class BatchOutcomes {
    private BatchOutcomes() {
    }

    /**
     * @param check    throws {@link InvalidInputException} for a manifest the destination can never load
     * @param loadRest loads the batch indices that passed, putting an outcome for each into the map
     */
    public static List<ManifestOutcome> of(List<StagedManifest> batch, Consumer<Manifest> check,
                                           BiConsumer<List<Integer>, Map<Integer, ManifestOutcome>> loadRest) {
        Map<Integer, ManifestOutcome> outcomes = new TreeMap<>();
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            try {
                check.accept(batch.get(i).manifest());
                candidates.add(i);
            } catch (InvalidInputException e) {
                outcomes.put(i, new ManifestOutcome.Rejected(batch.get(i).key(),
                        new InvalidInputException("manifest " + batch.get(i).key() + ": " + e.getMessage(), e)));
            }
        }
        loadRest.accept(candidates, outcomes);
        List<ManifestOutcome> ordered = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            ordered.add(outcomes.get(i));
        }
        return ordered;
    }
}

package dev.sliceflow.planner;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.request.TableSelector;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.SourceRegistry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Turns a sync spec into a plan: resolved accounts, regions and tables, and a sync id. */
public final class Planner {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final SourceRegistry sources;
    private final Discovery discovery;

    public Planner(SourceRegistry sources, Discovery discovery) {
        this.sources = sources;
        this.discovery = discovery;
    }

    /**
     * @param syncTime the sync's start (truncated to seconds)
     * @param syncId   an explicit id, or empty for {@code <name>-<yyyyMMdd'T'HHmmss'Z'>}
     * @throws InvalidInputException when the selection is empty or a table pattern matches nothing
     */
    public Plan plan(SyncSpec spec, Instant syncTime, Optional<String> syncId) {
        Instant time = syncTime.truncatedTo(ChronoUnit.SECONDS);
        String id = syncId.map(Identifiers::syncId).orElseGet(() -> Identifiers.syncId(spec.name() + "-" + ID_TIME.format(time)));
        List<String> available = sources.get(spec.source().kind()).schemas().stream().map(TableSchema::name).toList();
        List<String> tables = TableSelector.select(available, spec.tables(), spec.skipTables());
        if (tables.isEmpty()) {
            throw new InvalidInputException("tables: the selection is empty after skipTables " + spec.skipTables());
        }
        Set<String> skip = new HashSet<>(spec.accounts().skip());
        List<String> accounts = new ArrayList<>();
        for (String account : spec.accounts().organization()
                ? discovery.organizationAccounts(spec.accounts().ous()) : spec.accounts().list()) {
            if (!skip.contains(account)) {
                accounts.add(Identifiers.account(account));
            }
        }
        if (accounts.isEmpty()) {
            throw new InvalidInputException("accounts: no account left to sync after the skip list");
        }
        List<String> regions = spec.allRegions() ? discovery.enabledRegions(accounts.get(0)) : spec.regions();
        return new Plan(Plan.FORMAT_VERSION, id, time, spec.source(), tables, spec.writeMode(), spec.csv(), accounts,
                regions, (long) accounts.size() * regions.size());
    }
}

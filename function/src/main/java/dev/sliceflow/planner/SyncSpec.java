package dev.sliceflow.planner;

import dev.sliceflow.request.CsvOptions;
import dev.sliceflow.request.SourceSpec;
import dev.sliceflow.request.WriteMode;
import java.util.List;

/**
 * What a user wants synced (docs/sync-spec.md): a source, accounts x regions, tables. The planner turns it into one
 * sync request per slice.
 *
 * @param name       names the sync; sync ids are {@code <name>-<yyyyMMdd'T'HHmmss'Z'>} unless given
 * @param source     source kind and options
 * @param accounts   explicit 12-digit accounts, or discovery (AWS Organizations)
 * @param regions    region names, or ["*"] for every enabled region (discovery)
 * @param tables     names or globs, default ["*"]
 * @param skipTables names or globs to leave out
 * @param writeMode  replace (default) or append
 * @param csv        part format
 */
public record SyncSpec(String name, SourceSpec source, Accounts accounts, List<String> regions, List<String> tables,
                       List<String> skipTables, WriteMode writeMode, CsvOptions csv) {

    public SyncSpec {
        regions = regions == null ? List.of() : List.copyOf(regions);
        tables = tables == null || tables.isEmpty() ? List.of("*") : List.copyOf(tables);
        skipTables = skipTables == null ? List.of() : List.copyOf(skipTables);
        writeMode = writeMode == null ? WriteMode.REPLACE : writeMode;
        csv = csv == null ? CsvOptions.defaults() : csv;
    }

    /**
     * @param list         explicit accounts, in the order slices are planned
     * @param organization discover the organization's ACTIVE accounts instead
     * @param ous          with organization: only accounts under these OUs (ou-... or r-...)
     * @param skip         accounts never synced
     */
    public record Accounts(List<String> list, Boolean organization, List<String> ous, List<String> skip) {
        public Accounts {
            list = list == null ? List.of() : List.copyOf(list);
            organization = organization != null && organization;
            ous = ous == null ? List.of() : List.copyOf(ous);
            skip = skip == null ? List.of() : List.copyOf(skip);
        }
    }

    public boolean allRegions() {
        return regions.equals(List.of("*"));
    }
}

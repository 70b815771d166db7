package dev.sliceflow.request;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * One slice of one sync: the body of a message on the sync queue (docs/sync-request.md).
 *
 * @param version   document version, {@value #VERSION}
 * @param syncId    the sync this slice belongs to
 * @param syncTime  the sync's start; newer syncTime wins in the warehouse
 * @param source    which source to read
 * @param account   the slice's account (12 digits)
 * @param region    the slice's region
 * @param tables    table names or globs ("*", "aws_ec2_*"); default every table of the source
 * @param skipTables table names or globs to leave out
 * @param writeMode replace (default) or append
 * @param csv       part format options
 * @param seq       manifest sequence number: 0 for a new slice, n+1 for the continuation of manifest n
 */
public record SyncRequest(
        Integer version,
        String syncId,
        Instant syncTime,
        SourceSpec source,
        String account,
        String region,
        List<String> tables,
        List<String> skipTables,
        WriteMode writeMode,
        CsvOptions csv,
        Integer seq) {

    public static final int VERSION = 1;
    public static final int MAX_SEQ = 10_000;
    /**
     * How far ahead of the worker's clock a syncTime may lie. Planner and worker clocks differ by seconds; a syncTime
     * further ahead is a mistake that, once loaded, would make every real sync of the slice stale until it is reset.
     */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    public SyncRequest {
        version = version == null ? VERSION : version;
        if (version != VERSION) {
            throw new InvalidInputException("unsupported sync request version " + version + ": expected " + VERSION);
        }
        Identifiers.syncId(syncId);
        if (syncTime == null) {
            throw new InvalidInputException("syncTime is missing");
        }
        if (source == null) {
            throw new InvalidInputException("source is missing");
        }
        Identifiers.account(account);
        Identifiers.region(region);
        tables = tables == null || tables.isEmpty() ? List.of("*") : List.copyOf(tables);
        skipTables = skipTables == null ? List.of() : List.copyOf(skipTables);
        for (String pattern : tables) {
            TableSelector.checkPattern("tables", pattern);
        }
        for (String pattern : skipTables) {
            TableSelector.checkPattern("skipTables", pattern);
        }
        writeMode = writeMode == null ? WriteMode.REPLACE : writeMode;
        csv = csv == null ? CsvOptions.defaults() : csv;
        seq = seq == null ? 0 : seq;
        if (seq < 0 || seq > MAX_SEQ) {
            throw new InvalidInputException("seq " + seq + " is out of range: must be 0.." + MAX_SEQ);
        }
    }

    /**
     * @param now the worker's clock
     * @throws InvalidInputException when syncTime lies more than {@link #MAX_FUTURE_SKEW} after {@code now}
     */
    public void requireSyncTimeNotAfter(Instant now) {
        if (syncTime.isAfter(now.plus(MAX_FUTURE_SKEW))) {
            throw new InvalidInputException("syncTime " + syncTime + " is more than " + MAX_FUTURE_SKEW.toMinutes()
                    + " minutes ahead of the worker's clock (" + now + "): a sync time in the future would make every"
                    + " later sync of slice " + account + "/" + region + " stale; send it with the time the sync started");
        }
    }

    /** The UTC date of syncTime: the sync_date partition of the object layout. */
    @JsonIgnore
    public LocalDate syncDate() {
        return syncTime.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    /** The continuation of this request: the given tables, committed under manifest seq + 1. */
    public SyncRequest continuation(List<String> remainingTables) {
        Objects.requireNonNull(remainingTables, "remainingTables");
        return new SyncRequest(version, syncId, syncTime, source, account, region, remainingTables, List.of(),
                writeMode, csv, seq + 1);
    }
}

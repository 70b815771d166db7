package dev.sliceflow.worker;

import dev.sliceflow.core.Identifiers;
import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.csv.CsvTableWriter;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.request.SyncRequest;
import dev.sliceflow.request.TableSelector;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.source.RowSink;
import dev.sliceflow.source.Source;
import dev.sliceflow.source.SourceFactory;
import dev.sliceflow.source.SourceRegistry;
import dev.sliceflow.source.Table;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.staging.StagingException;
import dev.sliceflow.staging.Uploader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs one slice: for each selected table, stream rows into parts that upload as they close; then write the
 * manifest, the commit. Nothing is visible to loaders before the manifest, so any failure before it loses nothing.
 *
 * <p>A table whose source fails is recorded as failed in the manifest; the others commit. A staging failure
 * (S3, disk) fails the whole attempt: no manifest. When the deadline comes, the finished tables commit under
 * this seq and the rest go into a continuation request (seq + 1).
 */
public final class SliceSyncer {
    private static final Logger LOG = LoggerFactory.getLogger(SliceSyncer.class);
    /** How often (in rows) a table checks the deadline. */
    private static final int DEADLINE_CHECK_ROWS = 4096;
    public static final String PRODUCER = "sliceflow-worker/" + Version.VALUE;

    private final SourceRegistry sources;
    private final Uploader uploader;
    private final Clock clock;

    public SliceSyncer(SourceRegistry sources, Uploader uploader, Clock clock) {
        this.sources = sources;
        this.uploader = uploader;
        this.clock = clock;
    }

    /**
     * Validates {@code request} before any work.
     *
     * @return the selected tables in the source's order
     * @throws dev.sliceflow.core.InvalidInputException for an unknown source or a table pattern that matches nothing
     */
    public List<String> selectTables(SyncRequest request) {
        return selectTables(sources.get(request.source().kind()), request);
    }

    private static List<String> selectTables(SourceFactory factory, SyncRequest request) {
        List<String> available = factory.schemas().stream().map(TableSchema::name).toList();
        return TableSelector.select(available, request.tables(), request.skipTables());
    }

    /**
     * @param attempt  unique to this delivery: it names the parts, so concurrent attempts never collide
     * @param workDir  scratch directory for part files; the caller empties it before and after
     */
    public SliceResult sync(SyncRequest request, String attempt, Path workDir, Deadline deadline) {
        Identifiers.attempt(attempt);
        SourceFactory factory = sources.get(request.source().kind());
        List<String> selected = selectTables(factory, request);
        List<ManifestTable> done = new ArrayList<>();
        Map<String, java.time.Duration> times = new LinkedHashMap<>();
        List<String> remaining = new ArrayList<>();
        try (Source source = factory.open(request)) {
            Map<String, Table> tables = new LinkedHashMap<>();
            for (Table table : source.tables()) {
                tables.put(table.schema().name(), table);
            }
            for (int index = 0; index < selected.size(); index++) {
                String name = selected.get(index);
                if (!done.isEmpty() && deadline.reached()) {
                    remaining.addAll(selected.subList(index, selected.size()));
                    break;
                }
                Table table = tables.get(name);
                long started = System.nanoTime();
                TableOutcome outcome = syncTable(request, attempt, workDir, table, deadline);
                if (outcome.deadlineReached() && !done.isEmpty()) {
                    remaining.addAll(selected.subList(index, selected.size()));
                    break;
                }
                ManifestTable result = outcome.table();
                done.add(result);
                times.put(name, java.time.Duration.ofNanos(System.nanoTime() - started));
                LOG.info("table sync finished: table={} account={} region={} status={} rows={} parts={} ms={}{}",
                        name, request.account(), request.region(), result.status(), result.rows(),
                        result.parts().size(), (System.nanoTime() - started) / 1_000_000,
                        result.error() == null ? "" : " error=" + Identifiers.printable(result.error()));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot close source " + request.source().kind(), e);
        }
        boolean last = remaining.isEmpty();
        Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, request.syncId(), request.syncTime(),
                request.source().kind(), request.account(), request.region(), request.seq(), last,
                request.writeMode(), attempt, PRODUCER, clock.instant(),
                CsvDialect.spec(request.csv().compression()), done);
        String key = ObjectLayout.manifestKey(request.syncId(), request.account(), request.region(), request.seq());
        uploader.put(key, ManifestCodec.toJson(manifest), "application/json");
        return new SliceResult(key, manifest, last ? Optional.empty() : Optional.of(request.continuation(remaining)),
                times);
    }

    private TableOutcome syncTable(SyncRequest request, String attempt, Path workDir, Table table, Deadline deadline) {
        TableSchema schema = table.schema();
        CsvTableWriter writer = new CsvTableWriter(schema, request.csv(),
                n -> ObjectLayout.partKey(schema.name(), request.syncDate(), request.syncId(), request.account(),
                        request.region(), attempt, n, request.csv().compression()),
                uploader, workDir.resolve(schema.name()));
        long[] rows = {0};
        long[] skipped = {0};
        List<String> reasons = new ArrayList<>();
        try {
            table.scan(new RowSink() {
                @Override
                public void accept(Object[] row) throws java.io.IOException {
                    writer.add(row);
                    if (++rows[0] % DEADLINE_CHECK_ROWS == 0 && deadline.reached()) {
                        throw new DeadlineReached();
                    }
                }

                @Override
                public void skipped(String reason) {
                    // counted into the manifest, so a left-out row never silently disappears
                    if (skipped[0]++ < ManifestTable.MAX_SKIP_REASONS) {
                        reasons.add(reason);
                    }
                }
            });
            List<ManifestPart> parts = writer.finish();
            return new TableOutcome(ManifestTable.ok(schema, parts).withSkipped(skipped[0], reasons), false);
        } catch (Exception e) {
            writer.abort();
            StagingException staging = find(e, StagingException.class);
            if (staging != null) {
                throw staging;
            }
            if (find(e, DeadlineReached.class) != null) {
                String error = "table did not finish before the invocation's deadline (" + rows[0]
                        + " rows written); slice it finer or raise the worker timeout";
                return new TableOutcome(ManifestTable.failed(schema, error), true);
            }
            return new TableOutcome(ManifestTable.failed(schema, describe(e)), false);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private record TableOutcome(ManifestTable table, boolean deadlineReached) {
    }

    /** Thrown through the source's scan loop to stop it at the deadline. */
    private static final class DeadlineReached extends RuntimeException {
        DeadlineReached() {
            super("deadline reached", null, false, false);
        }
    }
}

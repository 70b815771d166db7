package dev.sliceflow.lake;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sliceflow.core.Json;
import dev.sliceflow.lake.SliceState.ManifestRef;
import dev.sliceflow.lake.SliceState.Range;
import dev.sliceflow.lake.SliceState.Slice;
import dev.sliceflow.lake.SliceState.SliceKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a table's {@link SliceState} lives: a gzip JSON file in the table's {@code metadata/} folder, named by the
 * summary property {@value #SUMMARY_KEY} of the snapshot whose data it describes. A full state per commit (docs/lake.md
 * says what that costs). When the current snapshot carries no state (a foreign commit: OPTIMIZE, a compaction, an
 * INSERT by another engine) or its file is gone (orphan-file cleanup), the positions are rebuilt from a scan of the
 * table's metadata columns with each row's file and position.
 */
final class StateStore {
    static final String SUMMARY_KEY = "sliceflow.state";
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    private static final JsonFactory JSON = Json.mapper().getFactory();

    private StateStore() {
    }

    /** The state as of {@code snapshot} (null: an empty table). */
    static SliceState read(Table table, Snapshot snapshot) {
        if (snapshot == null) {
            return SliceState.EMPTY;
        }
        String path = snapshot.summary().get(SUMMARY_KEY);
        if (path != null) {
            try {
                return decode(table.io(), path);
            } catch (UncheckedIOException | org.apache.iceberg.exceptions.NotFoundException e) {
                LOG.warn("table {}: the state file {} of snapshot {} is unreadable ({}): rebuilding it from a scan",
                        table.name(), path, snapshot.snapshotId(), e.getMessage());
            }
        } else {
            LOG.warn("table {}: snapshot {} ({}) was not committed by sliceflow, so the row positions sliceflow kept"
                            + " may be stale (a compaction rewrites files): rebuilding them from a scan",
                    table.name(), snapshot.snapshotId(), snapshot.operation());
        }
        return rebuild(table, snapshot);
    }

    /** Writes the state next to the table's metadata; returns its location for the snapshot summary. */
    static String write(Table table, SliceState state) {
        String location = table.location() + "/metadata/sliceflow-state-" + UUID.randomUUID() + ".json.gz";
        OutputFile out = table.io().newOutputFile(location);
        try (OutputStream raw = out.createOrOverwrite();
             GZIPOutputStream gzip = new GZIPOutputStream(raw, 64 * 1024);
             JsonGenerator g = JSON.createGenerator(gzip)) {
            Map<String, Integer> files = new LinkedHashMap<>();
            for (Slice slice : state.slices().values()) {
                for (Range r : slice.ranges()) {
                    files.putIfAbsent(r.file(), files.size());
                }
            }
            g.writeStartObject();
            g.writeNumberField("version", 1);
            g.writeArrayFieldStart("files");
            for (String file : files.keySet()) {
                g.writeString(file);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("slices");
            for (Map.Entry<SliceKey, Slice> e : state.slices().entrySet()) {
                Slice s = e.getValue();
                g.writeStartObject();
                g.writeStringField("source", e.getKey().source());
                g.writeStringField("account", e.getKey().account());
                g.writeStringField("region", e.getKey().region());
                g.writeStringField("syncId", s.syncId());
                g.writeStringField("syncTime", s.syncTime().toString());
                g.writeArrayFieldStart("manifests");
                for (ManifestRef m : s.manifests()) {
                    g.writeStartArray();
                    g.writeString(m.key());
                    g.writeString(m.sha256());
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeArrayFieldStart("ranges");
                for (Range r : s.ranges()) {
                    g.writeStartArray();
                    g.writeNumber(files.get(r.file()));
                    g.writeNumber(r.position());
                    g.writeNumber(r.count());
                    g.writeString(r.syncId());
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the slice state of table " + table.name(), e);
        }
        return location;
    }

    static SliceState decode(FileIO io, String location) {
        JsonNode root;
        try (InputStream in = new GZIPInputStream(io.newInputFile(location).newStream(), 64 * 1024)) {
            root = Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the slice state " + location, e);
        }
        List<String> files = new ArrayList<>();
        root.get("files").forEach(f -> files.add(f.asText()));
        Map<SliceKey, Slice> slices = new TreeMap<>();
        for (JsonNode s : root.get("slices")) {
            List<ManifestRef> manifests = new ArrayList<>();
            s.get("manifests").forEach(m -> manifests.add(new ManifestRef(m.get(0).asText(), m.get(1).asText())));
            List<Range> ranges = new ArrayList<>();
            s.get("ranges").forEach(r -> ranges.add(new Range(files.get(r.get(0).asInt()), r.get(1).asLong(),
                    r.get(2).asLong(), r.get(3).asText())));
            slices.put(new SliceKey(s.get("source").asText(), s.get("account").asText(), s.get("region").asText()),
                    new Slice(s.get("syncId").asText(), Instant.parse(s.get("syncTime").asText()), manifests, ranges));
        }
        return new SliceState(slices);
    }

    /**
     * The state rebuilt for {@code snapshot}: every row's (file, position) and metadata columns from a scan, merged
     * into the newest state sliceflow committed before it (for each slice's manifests and for slices without rows).
     */
    static SliceState rebuild(Table table, Snapshot snapshot) {
        SliceState previous = SliceState.EMPTY;
        for (Snapshot s = snapshot; s != null; s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
            String path = s.summary().get(SUMMARY_KEY);
            if (path != null) {
                try {
                    previous = decode(table.io(), path);
                    break;
                } catch (RuntimeException unreadable) {
                    // an older one may still be there
                }
            }
        }
        Schema projection = new Schema(MetadataColumns.FILE_PATH, MetadataColumns.ROW_POSITION,
                table.schema().findField("_source"), table.schema().findField("_account"),
                table.schema().findField("_region"), table.schema().findField("_sync_id"),
                table.schema().findField("_sync_time"));
        Map<SliceKey, List<Range>> ranges = new HashMap<>();
        Map<SliceKey, Object[]> newest = new HashMap<>();
        long rows = 0;
        try (CloseableIterable<Record> scan = IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId())
                .project(projection).build()) {
            for (Record r : scan) {
                String file = r.getField(MetadataColumns.FILE_PATH.name()).toString();
                long pos = (Long) r.getField(MetadataColumns.ROW_POSITION.name());
                String source = (String) r.getField("_source");
                String account = (String) r.getField("_account");
                String region = (String) r.getField("_region");
                String syncId = (String) r.getField("_sync_id");
                OffsetDateTime time = (OffsetDateTime) r.getField("_sync_time");
                if (source == null || account == null || region == null || syncId == null || time == null) {
                    continue; // not a row sliceflow loaded: no slice replaces it
                }
                rows++;
                SliceKey key = new SliceKey(source, account, region);
                List<Range> list = ranges.computeIfAbsent(key, k -> new ArrayList<>());
                Range last = list.isEmpty() ? null : list.get(list.size() - 1);
                if (last != null && last.file().equals(file) && last.syncId().equals(syncId)
                        && last.position() + last.count() == pos) {
                    list.set(list.size() - 1, new Range(file, last.position(), last.count() + 1, syncId));
                } else {
                    list.add(new Range(file, pos, 1, syncId));
                }
                Object[] top = newest.get(key);
                if (top == null || ((Instant) top[1]).isBefore(time.toInstant())) {
                    newest.put(key, new Object[] {syncId, time.toInstant()});
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scan table " + table.name() + " to rebuild its slice state", e);
        }
        Map<SliceKey, Slice> slices = new TreeMap<>();
        for (Map.Entry<SliceKey, Slice> e : previous.slices().entrySet()) {
            if (!ranges.containsKey(e.getKey())) {
                slices.put(e.getKey(), new Slice(e.getValue().syncId(), e.getValue().syncTime(),
                        e.getValue().manifests(), List.of()));
            }
        }
        for (Map.Entry<SliceKey, List<Range>> e : ranges.entrySet()) {
            Object[] top = newest.get(e.getKey());
            Slice before = previous.get(e.getKey());
            String syncId = (String) top[0];
            Instant time = (Instant) top[1];
            List<ManifestRef> manifests = List.of();
            if (before != null && !before.syncTime().isBefore(time)) {
                syncId = before.syncId();
                time = before.syncTime();
                manifests = before.manifests();
            }
            slices.put(e.getKey(), new Slice(syncId, time, manifests, e.getValue()));
        }
        LOG.info("table {}: slice state rebuilt from snapshot {}: {} slices, {} rows", table.name(),
                snapshot.snapshotId(), slices.size(), rows);
        return new SliceState(slices);
    }
}

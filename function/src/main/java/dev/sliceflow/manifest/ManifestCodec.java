package dev.sliceflow.manifest;

import dev.sliceflow.schema.Column;
import dev.sliceflow.staging.ObjectLayout;
import java.time.LocalDate;
import java.time.ZoneOffset;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Json;
import dev.sliceflow.csv.CsvDialect;
import java.util.HashSet;
import java.util.Set;

/** Reads and writes manifests, and checks a read manifest against the rules a loader relies on. */
public final class ManifestCodec {
    /** The metadata columns every loaded table gets; a manifest's own columns may not use these names. */
    public static final java.util.List<String> RESERVED_COLUMNS =
            java.util.List.of("_sync_id", "_sync_time", "_source", "_account", "_region");

    private ManifestCodec() {
    }

    public static byte[] toJson(Manifest manifest) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise manifest of sync " + manifest.syncId(), e);
        }
    }

    /**
     * Parses and validates a manifest.
     *
     * @param key  the manifest's key, for error messages
     * @throws InvalidInputException when it does not parse or breaks a rule: the message names the key and the rule
     */
    public static Manifest parse(String key, byte[] json) {
        Manifest manifest;
        try {
            manifest = Json.mapper().readValue(json, Manifest.class);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("manifest " + key + " is not valid JSON for format version "
                    + Manifest.FORMAT_VERSION + ": " + firstLine(e.getMessage()), e);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("manifest " + key + ": " + e.getMessage(), e);
        }
        if (manifest == null) {
            throw new InvalidInputException("manifest " + key + " is JSON null, not a manifest object");
        }
        try {
            validate(manifest);
            confine(key, manifest);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("manifest " + key + ": " + e.getMessage(), e);
        }
        return manifest;
    }

    /**
     * The manifest's key names its slice and seq, and every part lies under its own table's prefix of that slice and
     * attempt ({@code data/<table>/sync_date=.../sync_id=.../account=.../region=.../part-<attempt>-<n>...}): a manifest
     * can neither pose as another slice nor make the loader read another slice's objects.
     */
    static void confine(String key, Manifest m) {
        String expected = ObjectLayout.manifestKey(m.syncId(), m.account(), m.region(), m.seq());
        if (!expected.equals(key)) {
            throw new InvalidInputException("its body names sync " + m.syncId() + " account " + m.account()
                    + " region " + m.region() + " seq " + m.seq() + ", whose manifest key is " + expected);
        }
        if (m.attempt() == null) {
            throw new InvalidInputException("attempt is required");
        }
        Identifiers.attempt(m.attempt());
        LocalDate syncDate = m.syncTime().atZone(ZoneOffset.UTC).toLocalDate();
        for (ManifestTable table : m.tables()) {
            String prefix = ObjectLayout.partKey(table.name(), syncDate, m.syncId(), m.account(), m.region(),
                    m.attempt(), 0, m.dialect().compression());
            prefix = prefix.substring(0, prefix.lastIndexOf('-') + 1);
            String suffix = m.dialect().compression().suffix();
            for (ManifestPart part : table.parts()) {
                String k = part.key();
                boolean ok = k.startsWith(prefix) && k.endsWith(suffix)
                        && k.substring(prefix.length(), k.length() - suffix.length()).matches("[0-9]{1,9}");
                if (!ok) {
                    throw new InvalidInputException("part " + Identifiers.printable(k) + " of table " + table.name()
                            + " is not one of this slice's and attempt's parts (" + prefix + "<n>" + suffix + ")");
                }
            }
        }
    }

    /**
     * The rules a loader relies on, in one place (the loader parses with them, every destination re-checks with
     * them): known format and dialect, valid identifiers, reserved names refused, consistent counts, no part twice.
     */
    public static void validate(Manifest m) {
        if (m.formatVersion() != Manifest.FORMAT_VERSION) {
            throw new InvalidInputException("unsupported formatVersion " + m.formatVersion());
        }
        Identifiers.syncId(m.syncId());
        Identifiers.source(m.source());
        Identifiers.account(m.account());
        Identifiers.region(m.region());
        if (m.syncTime() == null || m.writeMode() == null || m.dialect() == null || m.tables() == null) {
            throw new InvalidInputException("syncTime, writeMode, dialect and tables are required");
        }
        if (!CsvDialect.spec(m.dialect().compression()).equals(m.dialect())) {
            throw new InvalidInputException("unknown CSV dialect " + m.dialect() + ": expected "
                    + CsvDialect.spec(m.dialect().compression()));
        }
        Set<String> names = new HashSet<>();
        Set<String> partKeys = new HashSet<>();
        for (ManifestTable table : m.tables()) {
            if (table.schema() == null || table.status() == null) {
                throw new InvalidInputException("every table needs schema and status");
            }
            Identifiers.table(table.name());
            if (!names.add(table.name())) {
                throw new InvalidInputException("table " + table.name() + " is listed twice");
            }
            for (Column column : table.schema().columns()) {
                Identifiers.column(column.name());
                if (RESERVED_COLUMNS.contains(column.name()) || column.name().startsWith("_sliceflow")) {
                    throw new InvalidInputException("table " + table.name() + ": column " + column.name()
                            + " is reserved for sliceflow's metadata");
                }
            }
            if (table.status() == TableStatus.FAILED && !table.parts().isEmpty()) {
                throw new InvalidInputException("failed table " + table.name() + " lists parts");
            }
            long sum = 0;
            for (ManifestPart part : table.parts()) {
                if (part.key() == null || part.sha256() == null || part.rows() < 0 || part.bytes() < 0) {
                    throw new InvalidInputException("table " + table.name() + " has a part without key, sha256, rows or bytes");
                }
                if (!partKeys.add(part.key())) {
                    throw new InvalidInputException("part " + Identifiers.printable(part.key())
                            + " is listed twice in the manifest");
                }
                sum += part.rows();
            }
            if (sum != table.rows()) {
                throw new InvalidInputException("table " + table.name() + " says " + table.rows()
                        + " rows but its parts hold " + sum);
            }
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

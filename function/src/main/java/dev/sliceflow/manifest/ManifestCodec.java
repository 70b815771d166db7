package dev.sliceflow.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.sliceflow.core.Identifiers;
import dev.sliceflow.core.InvalidInputException;
import dev.sliceflow.core.Json;
import dev.sliceflow.csv.CsvDialect;
import java.util.HashSet;
import java.util.Set;

/** Reads and writes manifests, and checks a read manifest against the rules a loader relies on. */
public final class ManifestCodec {
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
        try {
            validate(manifest);
        } catch (InvalidInputException e) {
            throw new InvalidInputException("manifest " + key + ": " + e.getMessage(), e);
        }
        return manifest;
    }

    static void validate(Manifest m) {
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
        for (ManifestTable table : m.tables()) {
            if (table.schema() == null || table.status() == null) {
                throw new InvalidInputException("every table needs schema and status");
            }
            if (!names.add(table.name())) {
                throw new InvalidInputException("table " + table.name() + " is listed twice");
            }
            if (table.status() == TableStatus.FAILED && !table.parts().isEmpty()) {
                throw new InvalidInputException("failed table " + table.name() + " lists parts");
            }
            long sum = 0;
            for (ManifestPart part : table.parts()) {
                if (part.key() == null || part.sha256() == null || part.rows() < 0 || part.bytes() < 0) {
                    throw new InvalidInputException("table " + table.name() + " has a part without key, sha256, rows or bytes");
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

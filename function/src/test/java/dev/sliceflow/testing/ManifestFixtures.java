package dev.sliceflow.testing;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.manifest.Manifest;
import dev.sliceflow.manifest.ManifestCodec;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.manifest.ManifestTable;
import dev.sliceflow.request.Compression;
import dev.sliceflow.request.WriteMode;
import dev.sliceflow.schema.Column;
import dev.sliceflow.schema.TableSchema;
import dev.sliceflow.staging.ObjectLayout;
import dev.sliceflow.destination.PartOpener;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVPrinter;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes manifests and their CSV parts the way the worker does (CsvDialect.FORMAT, header row, gzip or not), in
 * memory, for loader and warehouse tests. Rows are lists of Java values of each column type's class (null = NULL).
 */
public final class ManifestFixtures {
    public static final String ACCOUNT = "111122223333";
    public static final String REGION = "us-east-1";
    public static final String SOURCE = "synthetic";

    private ManifestFixtures() {
    }

    public static Builder manifest(String syncId, Instant syncTime) {
        return new Builder(syncId, syncTime);
    }

    /** A built manifest: the parsed record, its key, its bytes and checksum, and its parts' bytes by key. */
    public record Fixture(Manifest manifest, String key, byte[] json, String sha256, Map<String, byte[]> parts) {
        /** Opens parts from memory. */
        public PartOpener opener() {
            return part -> {
                byte[] bytes = parts.get(part.key());
                if (bytes == null) {
                    throw new IOException("no part " + part.key());
                }
                return new ByteArrayInputStream(bytes);
            };
        }

        /** Puts the parts and then the manifest into a bucket, in the worker's order. */
        public void upload(S3Client s3, String bucket) {
            parts.forEach((key, bytes) -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes)));
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(json));
        }

        /** The same manifest under another key-compatible identity: re-serialised with a new createdAt (new checksum). */
        public Fixture anotherAttempt() {
            Manifest m = manifest;
            Manifest copy = new Manifest(m.formatVersion(), m.syncId(), m.syncTime(), m.source(), m.account(),
                    m.region(), m.seq(), m.last(), m.writeMode(), m.attempt(), m.producer(),
                    m.createdAt().plusSeconds(1), m.dialect(), m.tables());
            byte[] bytes = ManifestCodec.toJson(copy);
            return new Fixture(copy, key, bytes, ManifestFixtures.sha256(bytes), parts);
        }
    }

    public static final class Builder {
        private final String syncId;
        private final Instant syncTime;
        private String account = ACCOUNT;
        private String region = REGION;
        private String source = SOURCE;
        private int seq;
        private boolean last = true;
        private WriteMode writeMode = WriteMode.REPLACE;
        private Compression compression = Compression.GZIP;
        private String attempt = "a1";
        private final List<ManifestTable> tables = new ArrayList<>();
        private final Map<String, byte[]> parts = new LinkedHashMap<>();

        private Builder(String syncId, Instant syncTime) {
            this.syncId = syncId;
            this.syncTime = syncTime;
        }

        public Builder account(String value) {
            account = value;
            return this;
        }

        public Builder region(String value) {
            region = value;
            return this;
        }

        public Builder source(String value) {
            source = value;
            return this;
        }

        public Builder last(boolean value) {
            last = value;
            return this;
        }

        public Builder seq(int value) {
            seq = value;
            return this;
        }

        public Builder attempt(String value) {
            attempt = value;
            return this;
        }

        public Builder writeMode(WriteMode value) {
            writeMode = value;
            return this;
        }

        public Builder compression(Compression value) {
            compression = value;
            return this;
        }

        /** A table whose rows are split into parts of at most {@code rowsPerPart} rows (one part if <= 0). */
        public Builder table(TableSchema schema, List<List<Object>> rows, int rowsPerPart) {
            List<ManifestPart> tableParts = new ArrayList<>();
            int size = rowsPerPart <= 0 ? Math.max(rows.size(), 1) : rowsPerPart;
            for (int from = 0, n = 0; from < rows.size(); from += size, n++) {
                List<List<Object>> chunk = rows.subList(from, Math.min(rows.size(), from + size));
                String key = ObjectLayout.partKey(schema.name(), syncTime.atZone(ZoneOffset.UTC).toLocalDate(),
                        syncId, account, region, attempt, n, compression);
                byte[] bytes = csv(schema, chunk, compression);
                parts.put(key, bytes);
                tableParts.add(new ManifestPart(key, chunk.size(), bytes.length, sha256(bytes)));
            }
            tables.add(ManifestTable.ok(schema, tableParts));
            return this;
        }

        public Builder table(TableSchema schema, List<List<Object>> rows) {
            return table(schema, rows, 0);
        }

        public Builder failedTable(TableSchema schema, String error) {
            tables.add(ManifestTable.failed(schema, error));
            return this;
        }

        /** Adds a table as given (e.g. with parts whose metadata lies). */
        public Builder rawTable(ManifestTable table, Map<String, byte[]> tableParts) {
            tables.add(table);
            parts.putAll(tableParts);
            return this;
        }

        public Fixture build() {
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, syncId, syncTime, source, account, region, seq,
                    last, writeMode, attempt, "sliceflow-test/0", syncTime.plusSeconds(60),
                    CsvDialect.spec(compression), tables);
            byte[] json = ManifestCodec.toJson(manifest);
            String key = ObjectLayout.manifestKey(syncId, account, region, seq);
            // what a loader would see: read what was written (not validated: fixtures may break the rules on purpose)
            Manifest parsed;
            try {
                parsed = dev.sliceflow.core.Json.mapper().readValue(json, Manifest.class);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return new Fixture(parsed, key, json, sha256(json), Map.copyOf(parts));
        }
    }

    /** A part's bytes: header row, then the rows in the dialect, gzip-compressed when asked. */
    public static byte[] csv(TableSchema schema, List<List<Object>> rows, Compression compression) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            OutputStream out = compression == Compression.GZIP ? new GZIPOutputStream(bytes) : bytes;
            try (Writer writer = new OutputStreamWriter(out, CsvDialect.CHARSET);
                 CSVPrinter printer = new CSVPrinter(writer, CsvDialect.FORMAT)) {
                printer.printRecord(schema.columns().stream().map(Column::name).toList());
                for (List<Object> row : rows) {
                    List<String> fields = new ArrayList<>(row.size());
                    for (int i = 0; i < row.size(); i++) {
                        Object value = row.get(i);
                        fields.add(value == null ? null : CsvDialect.encode(schema.column(i).type(), value));
                    }
                    printer.printRecord(fields);
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A row from values (Arrays.asList keeps nulls). */
    public static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }
}

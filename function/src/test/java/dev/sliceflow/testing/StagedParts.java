package dev.sliceflow.testing;

import dev.sliceflow.csv.CsvDialect;
import dev.sliceflow.manifest.ManifestPart;
import dev.sliceflow.schema.TableSchema;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import software.amazon.awssdk.services.s3.S3Client;

/** Reads staged parts back the way a loader would: bytes, checksum, and rows decoded with the same dialect. */
public final class StagedParts {
    private StagedParts() {
    }

    public static byte[] bytes(S3Client s3, String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoded rows of one part; checks its header names the schema's columns in order. */
    public static List<Object[]> rows(TableSchema schema, byte[] stored, boolean gzip) {
        try (InputStream raw = gzip ? new GZIPInputStream(new ByteArrayInputStream(stored)) : new ByteArrayInputStream(stored);
             CSVParser parser = CSVParser.parse(new InputStreamReader(raw, CsvDialect.CHARSET), CsvDialect.FORMAT)) {
            List<Object[]> rows = new ArrayList<>();
            boolean header = true;
            for (CSVRecord record : parser) {
                if (header) {
                    List<String> names = schema.columns().stream().map(c -> c.name()).toList();
                    if (!record.toList().equals(names)) {
                        throw new AssertionError("header " + record.toList() + " is not " + names);
                    }
                    header = false;
                    continue;
                }
                if (record.size() != schema.width()) {
                    throw new AssertionError("record " + record.getRecordNumber() + " has " + record.size() + " fields");
                }
                Object[] row = new Object[schema.width()];
                for (int i = 0; i < row.length; i++) {
                    String text = record.get(i);
                    row[i] = text == null ? null : CsvDialect.decode(schema.column(i).type(), text);
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every row of a table's parts, in part order. */
    public static List<Object[]> rows(S3Client s3, String bucket, TableSchema schema, List<ManifestPart> parts) {
        List<Object[]> rows = new ArrayList<>();
        for (ManifestPart part : parts) {
            rows.addAll(rows(schema, bytes(s3, bucket, part.key()), part.key().endsWith(".gz")));
        }
        return rows;
    }
}

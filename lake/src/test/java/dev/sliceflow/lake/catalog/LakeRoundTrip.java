package dev.sliceflow.lake.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/**
 * What the lake destination asks of a catalog, done once against a real one: a namespace, a table, Parquet data files
 * appended in three commits (the second through a handle loaded before the first commit, so the catalog's optimistic
 * check must make it refresh and retry rather than lose the first), a commit decided on stale metadata refused (Glue:
 * the metadata location no longer matches; REST: the server's assert-ref-snapshot-id requirement), the rows read back.
 * Plain Java (no JUnit): {@code LakeLoaderJarIT} runs it inside the shaded jar too.
 */
final class LakeRoundTrip {
    static final Schema SCHEMA = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(2, "name", Types.StringType.get()),
            Types.NestedField.optional(3, "at", Types.TimestampType.withZone()));

    /** @param rows "id:name:at" of every row read back; @param staleCommitRefused whether the stale commit failed */
    record Result(List<String> rows, int snapshots, String metadataLocation, String tableLocation,
            boolean staleCommitRefused) {
    }

    private LakeRoundTrip() {
    }

    static Result run(Catalog catalog, String namespace, String tableName, String codec) {
        Namespace ns = Namespace.of(namespace);
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(ns)) {
            namespaces.createNamespace(ns);
        }
        TableIdentifier id = TableIdentifier.of(ns, tableName);
        catalog.createTable(id, SCHEMA, PartitionSpec.unpartitioned(),
                Map.of("format-version", "2", "write.parquet.compression-codec", codec));
        Table first = catalog.loadTable(id);
        Table early = catalog.loadTable(id);
        append(first, 1L, "a");
        append(early, 2L, null); // loaded before the first commit: the commit must refresh and retry
        TableOperations stale = ((HasTableOperations) catalog.loadTable(id)).operations();
        TableMetadata base = stale.current();
        append(catalog.loadTable(id), 3L, "");
        boolean refused;
        try {
            // a rollback of main to the first snapshot, decided on metadata that the third commit made stale
            long firstSnapshot = base.currentSnapshot().parentId();
            stale.commit(base, TableMetadata.buildFrom(base)
                    .setRef(SnapshotRef.MAIN_BRANCH, SnapshotRef.branchBuilder(firstSnapshot).build()).build());
            refused = false;
        } catch (CommitFailedException expected) {
            refused = true;
        }
        Table table = catalog.loadTable(id);
        List<String> rows = new ArrayList<>();
        try (CloseableIterable<Record> read = IcebergGenerics.read(table).build()) {
            read.forEach(r -> rows.add(r.getField("id") + ":" + r.getField("name") + ":" + r.getField("at")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int snapshots = 0;
        for (var ignored : table.snapshots()) {
            snapshots++;
        }
        return new Result(rows, snapshots, ((HasTableOperations) table).operations().current().metadataFileLocation(),
                table.location(), refused);
    }

    static final OffsetDateTime AT = OffsetDateTime.of(2026, 12, 1, 2, 3, 4, 123_456_000, ZoneOffset.UTC);

    private static void append(Table table, long id, String name) {
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
        DataWriter<Record> writer;
        try {
            writer = Parquet.writeData(out).schema(table.schema()).createWriterFunc(GenericParquetWriter::create)
                    .withSpec(table.spec()).overwrite().setAll(table.properties()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (writer) {
            GenericRecord r = GenericRecord.create(table.schema());
            r.setField("id", id);
            r.setField("name", name);
            r.setField("at", AT);
            writer.write(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DataFile file = writer.toDataFile();
        table.newAppend().appendFile(file).commit();
    }
}

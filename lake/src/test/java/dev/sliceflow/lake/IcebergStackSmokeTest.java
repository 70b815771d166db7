package dev.sliceflow.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library stack works in this module: a Parquet data file written with zstd, committed, read back. */
class IcebergStackSmokeTest {
    @TempDir
    Path dir;

    @Test
    void writesCommitsAndReadsAParquetFile() throws Exception {
        InMemoryCatalog catalog = new InMemoryCatalog();
        catalog.initialize("t", Map.of("warehouse", dir.toUri().toString()));
        catalog.createNamespace(Namespace.of("db"));
        Schema schema = new Schema(Types.NestedField.required(1, "id", Types.LongType.get()),
                Types.NestedField.optional(2, "name", Types.StringType.get()));
        Table table = catalog.createTable(TableIdentifier.of("db", "items"), schema, PartitionSpec.unpartitioned(),
                Map.of("format-version", "2", "write.parquet.compression-codec", "zstd"));
        OutputFile out = table.io().newOutputFile(table.locationProvider().newDataLocation(UUID.randomUUID() + ".parquet"));
        DataWriter<Record> writer = Parquet.writeData(out).schema(schema).createWriterFunc(GenericParquetWriter::create)
                .withSpec(PartitionSpec.unpartitioned()).overwrite().setAll(table.properties()).build();
        try (writer) {
            GenericRecord r = GenericRecord.create(schema);
            writer.write(r.copy(Map.of("id", 1L, "name", "a")));
            writer.write(r.copy(Map.of("id", 2L)));
        }
        DataFile file = writer.toDataFile();
        table.newAppend().appendFile(file).commit();
        try (CloseableIterable<Record> rows = IcebergGenerics.read(catalog.loadTable(TableIdentifier.of("db", "items"))).build()) {
            List<String> read = new java.util.ArrayList<>();
            rows.forEach(r -> read.add(r.getField("id") + ":" + r.getField("name")));
            assertThat(read).containsExactlyInAnyOrder("1:a", "2:null");
        }
    }
}

package dev.sliceflow.local.lake;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.Files;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;

/**
 * Reads a local lake's files straight from the s3proxy filesystem blob store ({@code DIR/s3/<bucket>/<key>}), so that
 * {@code sliceflow query} and {@code status} answer over the lake without a running {@code serve}. For reading only:
 * the loaders write through S3 like in AWS.
 */
public final class BlobStoreFileIO implements FileIO {
    /** The catalog property naming the blob store's root. */
    public static final String ROOT = "sliceflow.blob-store";
    private Path root;

    @Override
    public void initialize(Map<String, String> properties) {
        root = Path.of(properties.get(ROOT));
    }

    File file(String location) {
        String rest = location.replaceFirst("^s3a?://", "");
        return root.resolve(rest).toFile();
    }

    @Override
    public InputFile newInputFile(String location) {
        return Files.localInput(file(location));
    }

    @Override
    public OutputFile newOutputFile(String location) {
        throw new UnsupportedOperationException("the local lake is read-only here; loaders write through S3");
    }

    @Override
    public void deleteFile(String location) {
        throw new UnsupportedOperationException("the local lake is read-only here; loaders write through S3");
    }
}

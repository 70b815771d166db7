package dev.sliceflow.staging;

import java.io.IOException;
import java.nio.file.Path;

/** Stores objects in the staging bucket. Implementations are thread-safe. */
public interface Uploader {
    /**
     * Uploads a closed file under {@code key}; returns once the object is stored.
     *
     * @throws StagingException when it could not be stored (transient: the attempt fails and is retried)
     */
    void upload(String key, Path file, String contentType) throws IOException;

    /** Stores small content (a manifest, a plan) under {@code key}. */
    void put(String key, byte[] content, String contentType);
}

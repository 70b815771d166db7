package dev.sliceflow.local.runtime;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * The S3 API in-process: s3proxy on loopback with AWS SigV4 (and V2) authentication against fixed local credentials.
 * Objects live in a {@code filesystem} blob store under a directory (so a restart finds them again) or, with no
 * directory, in memory ({@code transient}).
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = 30_000_000_000L;

    private final S3Proxy proxy;
    private final URI endpoint;

    private EmbeddedS3(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    /**
     * Starts s3proxy on 127.0.0.1.
     *
     * @param port      the port, or 0 for a free one
     * @param directory the filesystem blob store's root (created if missing), or empty for an in-memory store
     * @param decorator wraps the blob store s3proxy serves from (e.g. to observe object creation)
     */
    public static EmbeddedS3 start(int port, Optional<Path> directory, LocalCredentials credentials,
                                   UnaryOperator<BlobStore> decorator) {
        Properties properties = new Properties();
        properties.setProperty("jclouds.identity", credentials.accessKeyId());
        properties.setProperty("jclouds.credential", credentials.secretAccessKey());
        String provider = "transient";
        if (directory.isPresent()) {
            try {
                Files.createDirectories(directory.get());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create the S3 data directory " + directory.get(), e);
            }
            properties.setProperty("jclouds.filesystem.basedir", directory.get().toAbsolutePath().toString());
            provider = "filesystem";
        }
        BlobStore blobStore = decorator.apply(BlobStores.create(provider, properties));
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, credentials.accessKeyId(),
                        credentials.secretAccessKey())
                .ignoreUnknownHeaders(true)
                .stopTimeout(0)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
            while (!"STARTED".equals(proxy.getState())) {
                if ("FAILED".equals(proxy.getState()) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start on 127.0.0.1:" + port + ": state "
                            + proxy.getState() + (port == 0 ? "" : " (is the port in use? pass 0 for a free one)"));
                }
                Thread.sleep(5);
            }
        } catch (Exception e) {
            stopQuietly(proxy);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IllegalStateException ise ? ise
                    : new IllegalStateException("cannot start s3proxy on 127.0.0.1:" + port + ": " + e.getMessage()
                    + (port == 0 ? "" : " (is the port in use? pass another one, or 0 for a free one)"), e);
        }
        return new EmbeddedS3(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    public URI endpoint() {
        return endpoint;
    }

    public int port() {
        return endpoint.getPort();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop s3proxy on " + endpoint, e);
        }
    }

    private static void stopQuietly(S3Proxy proxy) {
        try {
            proxy.stop();
        } catch (Exception ignored) {
            // start already failed; that failure is the one to report
        }
    }
}

package dev.sliceflow.lake.catalog;

import dev.sliceflow.testing.MotoServer;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.inmemory.InMemoryCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST catalog with SigV4, as Glue's Iceberg REST endpoint and S3 Tables are reached, against a real Iceberg REST
 * catalog server: Iceberg's own {@code RESTCatalogServlet} (the server side of the protocol, from iceberg-core's
 * tests) on Jetty on loopback, whose backend catalog keeps its metadata in moto's S3 beside the data. The server does
 * not check signatures; the test checks that every request the loader's catalog sends is SigV4-signed for the
 * {@code glue} service in the given region.
 */
class RestCatalogMotoTest {
    static final String BUCKET = "sliceflow-rest-test";
    static MotoServer moto;
    static Server jetty;
    static InMemoryCatalog backend;
    static final List<String> AUTHORIZATION = new CopyOnWriteArrayList<>();
    @TempDir
    static Path dir;

    /** The protocol's server, recording each request's Authorization header before it answers. */
    static final class RecordingServlet extends RESTCatalogServlet {
        RecordingServlet(RESTCatalogAdapter adapter) {
            super(adapter);
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws ServletException, IOException {
            AUTHORIZATION.add(String.valueOf(request.getHeader("Authorization")));
            super.service(request, response);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        String missing = MotoServer.missing();
        Assumptions.assumeTrue(missing == null, () -> "skipped: moto's server is needed: " + missing);
        moto = MotoServer.start(dir.resolve("moto.log"));
        moto.createBucket(BUCKET);
        backend = new InMemoryCatalog();
        backend.initialize("backend", Map.of("warehouse", "s3://" + BUCKET + "/rest",
                "io-impl", "org.apache.iceberg.aws.s3.S3FileIO", "s3.endpoint", moto.endpoint().toString(),
                "s3.path-style-access", "true", "s3.access-key-id", "test", "s3.secret-access-key", "test",
                "client.region", "us-east-1", "http-client.type", "urlconnection"));
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.addServlet(new ServletHolder(new RecordingServlet(new RESTCatalogAdapter(backend))), "/*");
        jetty.setHandler(context);
        jetty.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (jetty != null) {
            jetty.stop();
        }
        if (backend != null) {
            backend.close();
        }
        if (moto != null) {
            moto.close();
        }
    }

    @Test
    void restCatalog_withSigV4_createsCommitsTwiceAndReadsBackWithEveryRequestSigned() throws Exception {
        int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        String endpoint = moto.endpoint().toString();
        LakeUrl lake = LakeUrl.parse("iceberg:rest:http://127.0.0.1:" + port + "/?namespace=sliceflow_rest"
                + "&rest.sigv4-enabled=true&rest.signing-name=glue&rest.signing-region=eu-west-1"
                + "&rest.access-key-id=AKIDTEST&rest.secret-access-key=test"
                + "&s3.endpoint=" + endpoint + "&s3.access-key-id=test&s3.secret-access-key=test");
        LakeRoundTrip.Result result;
        try (Closeable catalog = (Closeable) LakeCatalogs.open(lake, "us-east-1")) {
            result = LakeRoundTrip.run((Catalog) catalog, lake.namespace(), "items", "snappy");
        }

        assertThat(result.rows()).containsExactlyInAnyOrder(
                "1:a:" + LakeRoundTrip.AT, "2:null:" + LakeRoundTrip.AT, "3::" + LakeRoundTrip.AT);
        assertThat(result.snapshots()).isEqualTo(3);
        assertThat(result.staleCommitRefused()).as("a commit from stale metadata is refused").isTrue();
        assertThat(result.metadataLocation()).startsWith("s3://" + BUCKET + "/rest/");
        assertThat(AUTHORIZATION).isNotEmpty().allSatisfy(header -> assertThat(header)
                .matches("AWS4-HMAC-SHA256 Credential=AKIDTEST/\\d{8}/eu-west-1/glue/aws4_request, .*"));
    }
}

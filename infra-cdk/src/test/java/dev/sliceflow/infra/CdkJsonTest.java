package dev.sliceflow.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

/** cdk.json: the app the CLI runs and the feature flags `cdk init` writes for this aws-cdk-lib. */
class CdkJsonTest {
    /** The jsii bundle of aws-cdk-lib inside its jar: it carries recommended-feature-flags.json. */
    private static final String BUNDLE = "/software/amazon/awscdk/aws-cdk-lib@2.272.0.jsii.tgz";

    @Test
    @SuppressWarnings("unchecked")
    void context_whenRead_holdsExactlyTheRecommendedFeatureFlagsOfThisAwsCdkLib() throws Exception {
        Map<String, Object> recommended = new ObjectMapper().readValue(
                fileInTar(BUNDLE, "package/recommended-feature-flags.json"), Map.class);
        assertThat(recommended).hasSizeGreaterThan(50);
        assertThat(TestStacks.cdkJsonContext()).isEqualTo(recommended);
    }

    @Test
    void context_whenReadByAnApp_turnsTheFlagsOn() {
        App app = TestStacks.app(DefaultStackTest.CONTEXT);
        assertThat(app.getNode().tryGetContext("@aws-cdk/aws-iam:minimizePolicies")).isEqualTo(true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void app_whenTheCliRunsIt_turnsOffTheHandlerTestDependency() throws Exception {
        Map<String, Object> json = new ObjectMapper().readValue(TestStacks.CDK_JSON.toFile(), Map.class);
        assertThat(json.get("app")).isEqualTo("../mvnw -B -q -ntp -Dsliceflow.cdkApp compile exec:exec");
        assertThat(json).containsEntry("notices", false);
    }

    /** One file out of a .tgz on the classpath (ustar: 512-byte headers, size in octal at 124). */
    private static byte[] fileInTar(String resource, String name) throws IOException {
        try (InputStream raw = CdkJsonTest.class.getResourceAsStream(resource)) {
            assertThat(raw).as("%s on the classpath", resource).isNotNull();
            InputStream in = new GZIPInputStream(raw, 1 << 16);
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                String entry = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
                if (entry.isEmpty()) {
                    break;
                }
                String octal = new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").strip();
                long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
                long padded = (size + 511) / 512 * 512;
                if (entry.equals(name)) {
                    byte[] content = in.readNBytes((int) size);
                    return content;
                }
                in.skipNBytes(padded);
            }
        }
        throw new AssertionError(name + " not found in " + resource);
    }
}

package dev.sliceflow.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sliceflow.core.InvalidInputException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SettingsTest {
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "eu-west-1");
        env.put("SLICEFLOW_BUCKET", "b");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local-secret");
        env.put("SLICEFLOW_WAREHOUSE_PASSWORD", "hunter2");
        return env;
    }

    @Test
    void from_whenStaticKeysAreSet_sourcesUseThemTooUnlessToldToUseTheDefaultChain() {
        Settings same = Settings.from(env());
        assertThat(same.credentials()).isInstanceOf(StaticCredentialsProvider.class);
        assertThat(same.sourceCredentials()).isSameAs(same.credentials());

        Map<String, String> env = env();
        env.put("SLICEFLOW_SOURCE_CREDENTIALS", "default");
        Settings local = Settings.from(env);
        assertThat(local.credentials()).as("S3 and SQS stay on the local keys").isInstanceOf(StaticCredentialsProvider.class);
        assertThat(local.sourceCredentials()).isInstanceOf(DefaultCredentialsProvider.class);
        assertThat(same.withSourceCredentials(local.sourceCredentials()).sourceCredentials())
                .isSameAs(local.sourceCredentials());
    }

    @Test
    void from_whenAValueIsMalformed_failsNamingTheVariable() {
        Map<String, String> env = env();
        env.put("SLICEFLOW_SOURCE_CREDENTIALS", "mine");
        assertThatThrownBy(() -> Settings.from(env)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("SLICEFLOW_SOURCE_CREDENTIALS must be default or same");
        env.remove("SLICEFLOW_SOURCE_CREDENTIALS");
        env.put("SLICEFLOW_DELETE_REMOVED_SLICES", "yes");
        assertThatThrownBy(() -> Settings.from(env)).hasMessage("SLICEFLOW_DELETE_REMOVED_SLICES must be true or false, got yes");
        env.remove("SLICEFLOW_DELETE_REMOVED_SLICES");
        env.remove("AWS_REGION");
        assertThatThrownBy(() -> Settings.from(env)).hasMessage("AWS_REGION is not set");
    }

    @Test
    void from_reconcilerSettings_defaultTo15MinutesAnd7DaysAndAreCheckedWhenTheReconcilerIsBuilt() {
        Settings defaults = Settings.from(env());
        assertThat(defaults.reconcileGrace()).hasMinutes(15);
        assertThat(defaults.reconcileLookBack()).hasDays(7);
        assertThat(defaults.loadQueueUrl()).isEmpty();

        Map<String, String> env = env();
        env.put("SLICEFLOW_RECONCILE_GRACE_MINUTES", "soon");
        assertThatThrownBy(() -> Settings.from(env)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("SLICEFLOW_RECONCILE_GRACE_MINUTES is not a number: soon");
        env.put("SLICEFLOW_RECONCILE_GRACE_MINUTES", "20160");
        Settings tooLong = Settings.from(env);
        assertThatThrownBy(() -> CompositionRoot.reconciler(tooLong, null, java.time.Clock.systemUTC()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("SLICEFLOW_RECONCILE_GRACE_MINUTES").hasMessageContaining("7 days");
    }

    @Test
    void toString_neverShowsThePassword() {
        assertThat(Settings.from(env()).toString()).doesNotContain("hunter2").contains("bucket=b");
    }

    @Test
    void from_whenEndpointUrlsAreSet_keepsTheSdkVariablesForTheAwsSource() {
        Map<String, String> env = env();
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:5000");
        env.put("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:5001/");
        env.put("AWS_USE_FIPS_ENDPOINT", "true");
        Settings settings = Settings.from(env);
        assertThat(settings.endpointUrls()).containsOnlyKeys("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_EC2")
                .containsEntry("AWS_ENDPOINT_URL_EC2", java.net.URI.create("http://127.0.0.1:5001/"));
        assertThat(settings.useFipsEndpoint()).isTrue();
        assertThat(settings.useDualStackEndpoint()).isFalse();

        env.put("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
        assertThat(Settings.from(env).endpointUrls()).isEmpty();
    }

    @Test
    void from_whenAnEndpointUrlIsNotHttp_failsNamingTheVariable() {
        Map<String, String> env = env();
        env.put("AWS_ENDPOINT_URL_IAM", "file:///etc/passwd");
        assertThatThrownBy(() -> Settings.from(env)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("AWS_ENDPOINT_URL_IAM").hasMessageContaining("http(s)");
    }
}

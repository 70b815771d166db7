package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.TestDirs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JVM options the real launcher script (local/sliceflow) gives each command: one-shot commands run with C1 only
 * (they end before C2's compilations pay off: docs/performance.md, the demo), serve keeps C2, and
 * SLICEFLOW_JAVA_OPTS comes last, so a user can restore C2.
 */
class LauncherJvmOptionsTest {
    /** The launcher's jar runs this instead of the CLI: it prints the JVM's options, one per line. */
    public static final class PrintJvmOptions {
        public static void main(String[] args) {
            ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(System.out::println);
        }
    }

    private static List<String> options(String command, String javaOpts) throws Exception {
        Path script = LauncherTempDirTest.launcher(PrintJvmOptions.class.getName());
        Path dir = TestDirs.create("launcher-options");
        ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), command, "--dir", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("SLICEFLOW_JAVA", ProcessHandle.current().info().command().orElse("java"));
        builder.environment().put("SLICEFLOW_CDS", "off");
        if (javaOpts == null) {
            builder.environment().remove("SLICEFLOW_JAVA_OPTS");
        } else {
            builder.environment().put("SLICEFLOW_JAVA_OPTS", javaOpts);
        }
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.lines().toList();
    }

    /** The value the JVM ends up with: the last occurrence of an -XX option wins. */
    private static String last(List<String> options, String prefix) {
        String value = null;
        for (String option : options) {
            if (option.startsWith(prefix)) {
                value = option;
            }
        }
        return value;
    }

    @Test
    void demoAndOtherOneShotCommands_runWithC1Only() throws Exception {
        assertThat(last(options("demo", null), "-XX:TieredStopAtLevel=")).isEqualTo("-XX:TieredStopAtLevel=1");
        assertThat(last(options("status", null), "-XX:TieredStopAtLevel=")).isEqualTo("-XX:TieredStopAtLevel=1");
    }

    @Test
    void serve_keepsTheOptimisingCompiler() throws Exception {
        assertThat(last(options("serve", null), "-XX:TieredStopAtLevel=")).isNull();
    }

    @Test
    void sliceflowJavaOpts_comeLastAndWin() throws Exception {
        assertThat(last(options("demo", "-XX:TieredStopAtLevel=4 -Xmx300m"), "-XX:TieredStopAtLevel="))
                .isEqualTo("-XX:TieredStopAtLevel=4");
    }
}

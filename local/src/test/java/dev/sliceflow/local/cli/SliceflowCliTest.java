package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.testing.TestDirs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line itself, in-process: help, and errors a user can fix reported in one line. */
class SliceflowCliTest {

    @Test
    void help_listsServe() {
        StringWriter out = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("serve");
    }

    @Test
    void serve_whenPortInUse_failsInOneLineNamingThePort() throws Exception {
        Path dir = TestDirs.create("cli-port");
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            StringWriter err = new StringWriter();
            CommandLine cli = SliceflowCli.commandLine();
            cli.setErr(new PrintWriter(err));

            int exit = cli.execute("serve", "--dir", dir.toString(), "--s3-port", "0",
                    "--sqs-port", Integer.toString(busy.getLocalPort()));

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString().strip()).startsWith("serve: cannot start ElasticMQ on 127.0.0.1:"
                    + busy.getLocalPort()).contains("in use").doesNotContain("\tat ");
        }
    }
}

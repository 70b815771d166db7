package dev.sliceflow.local.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.e2e.SyntheticOracle;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.LiveThreads;
import dev.sliceflow.testing.LocalPostgres;
import dev.sliceflow.testing.TestDirs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code sliceflow demo} in this JVM, at a small size: what it loads, what it prints, what it leaves running. */
class DemoCommandTest {
    private static final List<String> ACCOUNTS = List.of("100000000001", "100000000002", "100000000003");
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1");

    record Run(int exitCode, String out, String err) {
    }

    private static Run demo(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SliceflowCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "demo";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cli.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void demo_smallSyncTwiceWithSameSyncId_loadsTheSourceExactlyOnce() throws Exception {
        Path dir = TestDirs.create("demo");
        Set<Thread> before = LiveThreads.now();

        Run first = demo("--dir", dir.toString(), "--accounts", "3", "--regions", "2", "--rows-per-table", "40",
                "--seed", "5", "--sync-id", "demo-test", "--progress", "lines");

        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("sync demo-test: 3 accounts x 2 regions = 6 slices x 3 tables")
                .contains("sync demo-test: complete")
                .contains("slices   6/6 loaded, 6 committed (6 manifests)")
                .contains("rows     720 loaded")
                .contains("dead-letter queues: sync 0, load 0")
                .containsPattern("'synthetic_types' +\\| 240 +\\| 6")
                .contains("FROM synthetic_types WHERE _sync_id = 'demo-test'");
        String url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        Map<String, Long> counts;
        long ledger;
        try (Connection c = DriverManager.getConnection(url)) {
            SyntheticOracle.assertExact(c, "demo-test", ACCOUNTS, REGIONS, 40, 5, 1);
            counts = counts(c);
            ledger = SyntheticOracle.ledgerRows(c);
        }
        assertThat(counts).containsEntry("synthetic_types", 240L).containsEntry("synthetic_events", 240L);
        assertThat(ledger).isEqualTo(6 * 3);
        assertNoThreadsLeft(before);

        Run second = demo("--dir", dir.toString(), "--accounts", "3", "--regions", "2", "--rows-per-table", "40",
                "--seed", "5", "--sync-id", "demo-test", "--progress", "lines");

        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("sync demo-test was loaded before")
                .contains("sync demo-test: complete");
        try (Connection c = DriverManager.getConnection(url)) {
            assertThat(counts(c)).as("row counts after the second run").isEqualTo(counts);
            assertThat(SyntheticOracle.ledgerRows(c)).as("ledger rows after the second run").isEqualTo(ledger);
        }
        assertNoThreadsLeft(before);
    }

    @Test
    void demo_stoppedBeforeTheEnd_secondRunWithSameSyncIdCompletesIt() throws Exception {
        Path dir = TestDirs.create("demo-resume");

        Run stopped = demo("--dir", dir.toString(), "--accounts", "3", "--regions", "2", "--rows-per-table", "40",
                "--seed", "6", "--sync-id", "demo-resume", "--progress", "lines", "--timeout", "0");
        Run resumed = demo("--dir", dir.toString(), "--accounts", "3", "--regions", "2", "--rows-per-table", "40",
                "--seed", "6", "--sync-id", "demo-resume", "--progress", "lines");

        assertThat(stopped.exitCode()).as(stopped.out()).isEqualTo(1);
        assertThat(stopped.out()).contains("the sync is not loaded after 0 s (--timeout)")
                .containsPattern("sync demo-resume: (NOT complete|nothing loaded)");
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(resumed.out()).contains("sync demo-resume was enqueued before but is not loaded: enqueued its 6 "
                + "slices again").contains("sync demo-resume: complete");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("warehouse.duckdb"))) {
            SyntheticOracle.assertExact(c, "demo-resume", ACCOUNTS, REGIONS, 40, 6, 1);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(DISTINCT _sync_time) FROM synthetic_types")) {
                rs.next();
                assertThat(rs.getLong(1)).as("one sync time across both runs").isEqualTo(1);
            }
        }
    }

    @Test
    void demo_withPostgresWarehouse_loadsIntoPostgres() throws Exception {
        String url = LocalPostgres.get().newDatabase();
        Path dir = TestDirs.create("demo-pg");

        Run run = demo("--dir", dir.toString(), "--accounts", "3", "--regions", "2", "--rows-per-table", "30",
                "--seed", "9", "--sync-id", "demo-pg", "--progress", "bar", "--warehouse", url,
                "--warehouse-user", LocalPostgres.USER);

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("warehouse " + url).contains("sync demo-pg: complete").contains("\r[");
        try (Connection c = DriverManager.getConnection(url, LocalPostgres.USER, "")) {
            SyntheticOracle.assertExact(c, "demo-pg", ACCOUNTS, REGIONS, 30, 9, 2);
        }
        assertThat(dir.resolve("warehouse.duckdb")).doesNotExist();
    }

    @Test
    void demo_invalidOption_exits1WithOneLine() throws Exception {
        Run run = demo("--dir", TestDirs.create("demo-bad").toString(), "--regions", "99");

        assertThat(run.exitCode()).isNotZero();
        assertThat(run.err()).contains("--regions must be 1..17, not 99");
    }

    private static Map<String, Long> counts(Connection c) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String table : List.of("synthetic_types", "synthetic_resources", "synthetic_events")) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                counts.put(table, rs.getLong(1));
            }
        }
        return counts;
    }

    /** Every non-daemon thread the demo started has ended (a few seconds of grace for pools winding down). */
    private static void assertNoThreadsLeft(Set<Thread> before) {
        Await.within(Duration.ofSeconds(5), () -> LiveThreads.startedSince(before).isEmpty());
        assertThat(LiveThreads.startedSince(before)).as("threads left running").isEmpty();
    }
}

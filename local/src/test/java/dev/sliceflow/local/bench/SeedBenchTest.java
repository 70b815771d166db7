package dev.sliceflow.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.local.e2e.SyntheticOracle;
import dev.sliceflow.source.synthetic.SyntheticSourceFactory;
import dev.sliceflow.source.synthetic.SyntheticTables;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.LocalPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The seed bench's probes and its direct path, on a real PostgreSQL: what its figures rest on (not its timings).
 */
class SeedBenchTest {
    private static final Instant SYNC_TIME = Instant.parse("2026-12-01T00:00:00Z");

    private static SeedDatabase open() throws Exception {
        return SeedDatabase.open(LocalPostgres.get().url("postgres"), LocalPostgres.USER, "");
    }

    private static DirectWriter writer(SeedDatabase db, String database, DirectWriter.Mode mode, long rows, int tries) {
        return new DirectWriter(() -> db.connectAsRole(database, "seed-test"), SyntheticTables.ALL, mode, rows, 3,
                7, tries, "seed-test", SYNC_TIME, SyntheticSourceFactory.KIND);
    }

    @Test
    void clusterCpu_backendThatExited_isStillCounted() throws Exception {
        try (SeedDatabase db = open()) {
            SeedDatabase.ClusterCpu cpu = db.clusterCpu().orElseThrow();
            double before = cpu.seconds();
            double burned;
            long pid;
            try (Connection c = DriverManager.getConnection(LocalPostgres.get().url("postgres"), LocalPostgres.USER,
                    ""); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getLong(1);
                }
                st.execute("SELECT sum(x) FROM generate_series(1, 3000000) x");
                burned = ownCpu(pid);
            }
            Await.within(Duration.ofSeconds(2), () -> !Files.exists(Path.of("/proc", Long.toString(pid))));

            assertThat(Path.of("/proc", Long.toString(pid))).as("the backend has exited").doesNotExist();
            assertThat(burned).as("the query's CPU").isGreaterThan(0.05);
            assertThat(cpu.seconds() - before).isGreaterThanOrEqualTo(burned - 0.011);
        }
    }

    @Test
    void directWriter_copyAndInsert_writeTheSourceRowsExactly() throws Exception {
        SeedBench.Workload workload = SeedBench.Workload.of(6, 30);
        try (SeedDatabase db = open()) {
            SeedDatabase.Contents copy = null;
            for (DirectWriter.Mode mode : DirectWriter.Mode.values()) {
                String database = "seed_test_" + mode.name().toLowerCase(java.util.Locale.ROOT);
                db.recreate(database);
                // twice: the second run replaces each slice's rows instead of adding to them
                for (int run = 0; run < 2; run++) {
                    DirectWriter.Result result = writer(db, database, mode, 30, 3).run(workload.slices(), 4);
                    assertThat(result.failedSlices()).as(result.errors().toString()).isZero();
                }
                try (Connection c = DriverManager.getConnection(db.url(database), LocalPostgres.USER, "")) {
                    SyntheticOracle.assertExact(c, "seed-test", workload.spec().accounts().list(),
                            workload.spec().regions(), 30, 3, 1);
                }
                SeedDatabase.Contents contents = db.contents(database, SyntheticTables.ALL, 30);
                assertThat(contents.slicesComplete()).isEqualTo(6);
                assertThat(contents.totalRows()).isEqualTo(6 * 3 * 30);
                if (copy == null) {
                    copy = contents;
                } else {
                    assertThat(contents.checksums()).isEqualTo(copy.checksums());
                }
                db.drop(database);
            }
        }
    }

    @Test
    void directWriter_roleAtItsLimit_failsTheRefusedWorkersSlices() throws Exception {
        SeedBench.Workload workload = SeedBench.Workload.of(4, 5);
        try (SeedDatabase db = open()) {
            db.recreate("seed_test_limit");
            db.limit(1);
            try (Connection held = db.connectAsRole("seed_test_limit", "seed-test-holder")) {
                DirectWriter.Result result = writer(db, "seed_test_limit", DirectWriter.Mode.COPY, 5, 2)
                        .run(workload.slices(), 2);

                assertThat(result.refusedWorkers()).isEqualTo(2);
                assertThat(result.failedSlices()).isEqualTo(4);
                assertThat(result.retries()).isEqualTo(2);
                assertThat(result.errors()).hasSize(1);
                assertThat(result.errors().keySet().iterator().next()).contains("too many connections for role");
            } finally {
                db.limit(-1);
            }
            assertThat(db.contents("seed_test_limit", SyntheticTables.ALL, 5).slicesComplete()).isZero();
            db.drop("seed_test_limit");
        }
    }

    /** A live process's own user + system CPU seconds. */
    private static double ownCpu(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
}

package dev.sliceflow.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sliceflow.destination.SyncStatus;
import dev.sliceflow.loader.LoaderHandler;
import dev.sliceflow.local.cli.DemoSync;
import dev.sliceflow.local.runtime.EventSourceMapping;
import dev.sliceflow.local.runtime.HandlerFactory;
import dev.sliceflow.local.runtime.LocalRuntime;
import dev.sliceflow.local.runtime.LocalRuntimeConfig;
import dev.sliceflow.planner.SyncLauncher;
import dev.sliceflow.planner.SyncSpec;
import dev.sliceflow.runtime.Settings;
import dev.sliceflow.testing.Await;
import dev.sliceflow.testing.TestDirs;
import dev.sliceflow.warehouse.Warehouse;
import dev.sliceflow.warehouse.WarehouseConfig;
import dev.sliceflow.warehouse.Warehouses;
import dev.sliceflow.worker.WorkerHandler;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The local stack on a fresh directory with DuckDB, for end-to-end tests: attach the real (or wrapped) worker and
 * loader, launch a demo sync through the planner, wait for the warehouse to report it complete.
 */
final class Pipeline implements AutoCloseable {
    /** Short timeouts so that retries come back in seconds; the worker's deadline margin is 0 to fit them. */
    static final Duration VISIBILITY = Duration.ofSeconds(2);
    static final EventSourceMapping WORKER = LocalRuntime.WORKER.withTimeout(VISIBILITY)
            .withShutdownGrace(Duration.ofSeconds(5));
    /** Batching on, as by default, with a window that fits the short visibility (timeout + window <= visibility). */
    static final Duration LOAD_WINDOW = Duration.ofSeconds(1);
    static final Duration LOAD_VISIBILITY = VISIBILITY.plus(LOAD_WINDOW);
    static final EventSourceMapping LOADER = LocalRuntime.LOADER.withTimeout(VISIBILITY)
            .withBatching(LocalRuntime.LOAD_BATCH_SIZE, LOAD_WINDOW).withShutdownGrace(Duration.ofSeconds(5));

    final LocalRuntime runtime;
    final Path dir;

    private Pipeline(LocalRuntime runtime, Path dir) {
        this.runtime = runtime;
        this.dir = dir;
    }

    static Pipeline start(String name) throws Exception {
        Path dir = TestDirs.create(name);
        return new Pipeline(LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir))
                .withVisibilityTimeouts(VISIBILITY, LOAD_VISIBILITY)), dir);
    }

    /** The stack on {@code dir} keeping its queues there, as {@code serve} does: started again, it finds them. */
    static Pipeline startKeepingQueues(Path dir) {
        return new Pipeline(LocalRuntime.start(LocalRuntimeConfig.defaults(Optional.of(dir))
                .withVisibilityTimeouts(VISIBILITY, LOAD_VISIBILITY).withPersistentQueues(true)), dir);
    }

    /** The settings of one execution environment, with the worker's deadline margin at 0. */
    Settings settings(Settings environment) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("SLICEFLOW_WORK_DIR", environment.workDir().toString());
        overrides.put("SLICEFLOW_DEADLINE_MARGIN_SECONDS", "0");
        return runtime.settings(overrides);
    }

    /** The real worker, each environment built by {@code factory} from the test settings. */
    Pipeline worker(HandlerFactory factory) {
        runtime.attach(runtime.queues().sync(), WORKER, environment -> factory.create(settings(environment)));
        return this;
    }

    Pipeline loader(HandlerFactory factory) {
        runtime.attach(runtime.queues().load(), LOADER, environment -> factory.create(settings(environment)));
        return this;
    }

    Pipeline realWorker() {
        return worker(WorkerHandler::new);
    }

    Pipeline realLoader() {
        return loader(LoaderHandler::new);
    }

    SyncLauncher.Launch launch(SyncSpec spec, String syncId) {
        return DemoSync.launch(runtime, spec, Instant.parse("2026-11-25T10:00:00Z"), Optional.of(syncId), false,
                sent -> { });
    }

    String warehouseUrl() {
        return runtime.environment().get("SLICEFLOW_WAREHOUSE_URL");
    }

    /** Waits for the warehouse to report the sync complete, then for the queues to be idle. */
    SyncStatus awaitComplete(String syncId, Duration timeout) throws InterruptedException {
        try (Warehouse warehouse = Warehouses.open(new WarehouseConfig(warehouseUrl(), Optional.empty(),
                Optional.empty()))) {
            AtomicReference<Optional<SyncStatus>> status = new AtomicReference<>(Optional.empty());
            boolean complete = Await.within(timeout, () -> {
                status.set(warehouse.syncStatus(Optional.of(syncId)).stream().findFirst());
                return status.get().map(SyncStatus::complete).orElse(false);
            });
            if (!complete) {
                throw new AssertionError("sync " + syncId + " not complete within " + timeout + ": " + status.get());
            }
            assertThat(runtime.awaitIdle(timeout)).as("queues idle after the sync completed").isTrue();
            return warehouse.syncStatus(Optional.of(syncId)).getFirst();
        }
    }

    long count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(warehouseUrl());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(warehouseUrl());
    }

    @Override
    public void close() {
        runtime.close();
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.lake.catalog.LakeUrl;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Serialises the catalog commits of one JVM when the catalog is a SQLite file (local mode and tests): SQLite has one
 * writer, and concurrent JdbcCatalog commits on it fail with SQLITE_BUSY / SQLITE_BUSY_SNAPSHOT instead of waiting,
 * even in WAL mode. Iceberg's own validation still decides every conflict; this only keeps SQLite from refusing the
 * catalog's UPDATE. Glue and REST catalogs take concurrent commits and are not gated.
 */
final class CommitGate {
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    static final CommitGate NONE = new CommitGate(null);

    private final ReentrantLock lock;

    private CommitGate(ReentrantLock lock) {
        this.lock = lock;
    }

    static CommitGate of(LakeUrl lake) {
        return lake.uri().filter(uri -> uri.startsWith("jdbc:sqlite:"))
                .map(uri -> new CommitGate(LOCKS.computeIfAbsent(uri, u -> new ReentrantLock())))
                .orElse(NONE);
    }

    <T> T run(Supplier<T> commit) {
        if (lock == null) {
            return commit.get();
        }
        lock.lock();
        try {
            return commit.get();
        } finally {
            lock.unlock();
        }
    }

    void run(Runnable commit) {
        run(() -> {
            commit.run();
            return null;
        });
    }
}

package dev.sliceflow.lake;

import dev.sliceflow.destination.ManifestFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks 0..n-1 on up to {@code threads} threads, the caller's one of them, each task's failure kept: a batch's tables,
 * or a table's runs, are written at once, and whatever failed, everything that was written must be known (to be
 * committed or deleted) before the first failure is thrown.
 */
final class Parallel {
    interface Task {
        void run(int index) throws ManifestFailure;
    }

    private Parallel() {
    }

    /** Runs every task and waits for all of them; returns each one's failure, null where it succeeded. */
    static Throwable[] run(String name, int tasks, int threads, Task task) {
        Throwable[] failures = new Throwable[tasks];
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    task.run(i);
                } catch (ManifestFailure | RuntimeException | Error e) {
                    failures[i] = e;
                }
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int i = 1; i < Math.min(threads, tasks); i++) {
            helpers.add(Thread.ofPlatform().daemon().name(name + "-" + i).start(work));
        }
        work.run();
        boolean interrupted = false;
        for (Thread helper : helpers) {
            while (true) {
                try {
                    helper.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the helpers stop at their own deadline checks
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failures;
    }

    /** The first failure of {@link #run}, in task order, thrown as it was; nothing when all succeeded. */
    static void throwFirst(Throwable[] failures) throws ManifestFailure {
        for (Throwable failure : failures) {
            if (failure instanceof ManifestFailure manifest) {
                throw manifest;
            }
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
        }
    }
}

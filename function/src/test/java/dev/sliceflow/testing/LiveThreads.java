package dev.sliceflow.testing;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** For tests that check what a component leaves running: the threads alive before, and the ones it added. */
public final class LiveThreads {
    private LiveThreads() {
    }

    /** The threads alive now. */
    public static Set<Thread> now() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
    }

    /** The names of the non-daemon threads alive now that were not in {@code before}: what keeps a JVM running. */
    public static List<String> startedSince(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && !before.contains(t))
                .map(Thread::getName).sorted().toList();
    }
}

package dev.sliceflow.local.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * A sync's progress on one line: redrawn in place on a terminal, or printed as plain lines every
 * {@code lineInterval} otherwise (a log file or CI output gets no carriage returns).
 *
 * <pre>
 * [##########++++++----]  75/150 loaded, 120/150 committed | 225,000 rows loaded | 30.1 MB | 41,250 rows/s | 5.5 s
 * </pre>
 */
final class ProgressBar {
    private static final int WIDTH = 24;

    /** One reading: slices committed (in S3) and loaded (in the warehouse), rows and bytes committed. */
    record Reading(long committed, long loaded, long rowsCommitted, long rowsLoaded, long bytes, Duration elapsed) {
    }

    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final Duration lineInterval;
    private Duration lastLine = Duration.ofDays(-1);
    private int drawn;

    ProgressBar(PrintWriter out, boolean terminal, long total, Duration lineInterval) {
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.lineInterval = lineInterval;
    }

    void update(Reading reading) {
        if (terminal) {
            String line = line(reading);
            out.print('\r' + line + " ".repeat(Math.max(0, drawn - line.length())));
            drawn = line.length();
            out.flush();
        } else if (reading.elapsed().minus(lastLine).compareTo(lineInterval) >= 0) {
            lastLine = reading.elapsed();
            out.println(line(reading));
            out.flush();
        }
    }

    /** Draws the last reading and ends the line. */
    void finish(Reading reading) {
        if (terminal) {
            update(reading);
            out.println();
        } else {
            out.println(line(reading));
        }
        out.flush();
    }

    String line(Reading r) {
        int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, r.loaded() * WIDTH / total);
        int committedFill = total <= 0 ? WIDTH : (int) Math.min(WIDTH, r.committed() * WIDTH / total);
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '#' : i < committedFill ? '+' : '-');
        }
        bar.append(']');
        double seconds = Math.max(0.001, r.elapsed().toMillis() / 1000.0);
        int digits = Long.toString(total).length();
        return String.format(Locale.ROOT, "%s %" + digits + "d/%d loaded, %" + digits
                        + "d/%d committed | %,d rows loaded | %.1f MB | %,.0f rows/s | %.1f s", bar, r.loaded(), total,
                r.committed(), total, r.rowsLoaded(), r.bytes() / 1e6, r.rowsLoaded() / seconds, seconds);
    }
}

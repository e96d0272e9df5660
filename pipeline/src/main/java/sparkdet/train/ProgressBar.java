package sparkdet.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The step-by-step progress of an epoch on a terminal, redrawn in place on standard error: only
 * where someone watches (local mode with a console); a cluster gets the per-epoch log lines.
 */
final class ProgressBar {
    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;

    ProgressBar(PrintStream out, String label, long totalSteps) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, totalSteps);
    }

    void step(long done, long images, double meanLoss) {
        long now = System.nanoTime();
        if (now - lastDraw < REDRAW_NANOS && done < total) {
            return;
        }
        lastDraw = now;
        out.print(line(done, images, meanLoss, (now - start) / 1e9));
        out.flush();
    }

    void finish() {
        out.println();
    }

    String line(long done, long images, double meanLoss, double seconds) {
        int filled = (int) Math.min(WIDTH, WIDTH * done / total);
        return String.format(Locale.ROOT, "\r%s [%s%s] %d/%d loss %.4f %.1f img/s", label, "=".repeat(filled),
                " ".repeat(WIDTH - filled), done, total, meanLoss, seconds > 0 ? images / seconds : 0.0);
    }
}

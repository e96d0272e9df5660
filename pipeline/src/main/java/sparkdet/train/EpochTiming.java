package sparkdet.train;

import java.io.Serializable;

/**
 * Where one rank's time went in one epoch's step loop, in seconds: waiting for a batch (the
 * loader threads decode and augment ahead; this also holds the wait for slower ranks to agree that
 * a batch is there), forward with the loss, backward, averaging the gradients over the ranks, and
 * the optimiser's update.
 */
public record EpochTiming(int epoch, boolean frozen, long images, double seconds, double load, double forward,
                          double backward, double allReduce, double update) implements Serializable {
    private static final long serialVersionUID = 1L;

    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : Double.NaN;
    }

    /** the network's own time: forward, backward and update, without waiting for data or other ranks */
    public double compute() {
        return forward + backward + update;
    }

    /** for the log: the rate and the split, e.g. "41.3 images/s (data 3%, forward 30%, ...)" */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "%.1f images/s (data %.0f%%, forward %.0f%%, backward %.0f%%, "
                + "all-reduce %.0f%%, update %.0f%%)", imagesPerSecond(), 100 * load / seconds, 100 * forward / seconds,
                100 * backward / seconds, 100 * allReduce / seconds, 100 * update / seconds);
    }

    /** a stopwatch that charges the time since its last lap to one phase */
    static final class Clock {
        private final long start = System.nanoTime();
        private final long[] nanos = new long[5];
        private long last = start;

        void load() {
            lap(0);
        }

        void forward() {
            lap(1);
        }

        void backward() {
            lap(2);
        }

        void allReduce() {
            lap(3);
        }

        void update() {
            lap(4);
        }

        private void lap(int phase) {
            long now = System.nanoTime();
            nanos[phase] += now - last;
            last = now;
        }

        EpochTiming finish(int epoch, boolean frozen, long images) {
            return new EpochTiming(epoch, frozen, images, (System.nanoTime() - start) / 1e9, nanos[0] / 1e9,
                    nanos[1] / 1e9, nanos[2] / 1e9, nanos[3] / 1e9, nanos[4] / 1e9);
        }
    }
}

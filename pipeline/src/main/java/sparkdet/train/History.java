package sparkdet.train;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import sparkdet.io.Storage;
import sparkdet.viz.TrainPlots;

/**
 * history.csv (epoch, phase, train_loss, the task's validation metric (val_mAP50 or val_mIoU), lr,
 * seconds) and its two plots, loss.png and map.png or miou.png, rewritten after every epoch so that a
 * run can be watched, and resumed with its past.
 */
final class History {
    /** @param score the validation metric, NaN in an epoch without validation */
    record Epoch(int epoch, String phase, double loss, double score, double lr, double seconds) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%s,%.6f,%s,%.6g,%.2f", epoch, phase, loss,
                    Double.isNaN(score) ? "" : String.format(Locale.ROOT, "%.6f", score), lr, seconds);
        }
    }

    private final Storage storage;
    private final Path output;
    private final ValidationMetric metric;
    private final List<Epoch> epochs = new ArrayList<>();

    History(Storage storage, Path output, ValidationMetric metric) {
        this.storage = storage;
        this.output = output;
        this.metric = metric;
    }

    /** the rows of a run being resumed, up to and including a (1-based) epoch */
    void readExisting(int upToEpoch) throws IOException {
        Path csv = new Path(output, "history.csv");
        if (!storage.exists(csv)) {
            return;
        }
        String[] lines = new String(storage.readBytes(csv, 64L << 20), java.nio.charset.StandardCharsets.UTF_8)
                .split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",", -1);
            if (f.length == 6 && Integer.parseInt(f[0]) <= upToEpoch) {
                epochs.add(new Epoch(Integer.parseInt(f[0]), f[1], Double.parseDouble(f[2]),
                        f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]), Double.parseDouble(f[4]),
                        Double.parseDouble(f[5])));
            }
        }
    }

    void add(Epoch e) throws IOException {
        epochs.add(e);
        StringBuilder sb = new StringBuilder(metric.header()).append('\n');
        epochs.forEach(x -> sb.append(x.csv()).append('\n'));
        storage.writeText(new Path(output, "history.csv"), sb.toString());
        double[] x = epochs.stream().mapToDouble(Epoch::epoch).toArray();
        try (OutputStream png = storage.create(new Path(output, "loss.png"))) {
            TrainPlots.curve("Training loss", "loss", x, epochs.stream().mapToDouble(Epoch::loss).toArray(), png);
        }
        List<Epoch> validated = epochs.stream().filter(v -> !Double.isNaN(v.score())).toList();
        if (!validated.isEmpty()) {
            try (OutputStream png = storage.create(new Path(output, metric.plot()))) {
                TrainPlots.curve("Validation " + metric.title(), metric.title(),
                        validated.stream().mapToDouble(Epoch::epoch).toArray(),
                        validated.stream().mapToDouble(Epoch::score).toArray(), png);
            }
        }
    }

    List<Epoch> epochs() {
        return List.copyOf(epochs);
    }
}

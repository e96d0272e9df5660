package sparkdet.eval;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.Path;
import sparkdet.data.ClassList;
import sparkdet.io.Csv;
import sparkdet.io.Storage;
import sparkdet.viz.EvalPlots;

/**
 * The files of a segmentation evaluation that people look at, as the reference's
 * {@code show_results} writes them: confusion_matrix.csv, mIoU.png, mPA.png, Recall.png and
 * Precision.png; and results.txt, the summary its console shows.
 */
final class SegmentationReport {
    /** Python's csv.writer ends rows so, and get_miou's file is compared byte for byte */
    private static final String CSV_ROW_END = "\r\n";

    private SegmentationReport() {
    }

    static void write(Storage storage, Path dir, ClassList classes, SegmentationConfusion confusion,
                      SegmentationMetrics m, List<String> skipped) throws IOException {
        storage.writeText(new Path(dir, "confusion_matrix.csv"), confusionCsv(classes, confusion));
        storage.writeText(new Path(dir, "results.txt"), resultsTable(classes, confusion, m, skipped));
        bars(storage, new Path(dir, "mIoU.png"), String.format(Locale.ROOT, "mIoU = %.2f%%", m.mIoU() * 100),
                "Intersection over Union", classes, m.iou());
        bars(storage, new Path(dir, "mPA.png"), String.format(Locale.ROOT, "mPA = %.2f%%", m.mPA() * 100),
                "Pixel Accuracy", classes, m.recall());
        bars(storage, new Path(dir, "Recall.png"), String.format(Locale.ROOT, "mRecall = %.2f%%", m.mPA() * 100),
                "Recall", classes, m.recall());
        bars(storage, new Path(dir, "Precision.png"), String.format(Locale.ROOT, "mPrecision = %.2f%%",
                m.mPrecision() * 100), "Precision", classes, m.precision());
    }

    /**
     * show_results' layout: a header row of a blank and the class names, then one row per label
     * class, its name and its counts per predicted class (csv.writer: minimal quoting, CRLF)
     */
    static String confusionCsv(ClassList classes, SegmentationConfusion confusion) {
        StringBuilder csv = new StringBuilder(" ");
        for (String name : classes.names()) {
            csv.append(',').append(Csv.field(name));
        }
        csv.append(CSV_ROW_END);
        for (int r = 0; r < classes.size(); r++) {
            csv.append(Csv.field(classes.name(r)));
            for (int c = 0; c < classes.size(); c++) {
                csv.append(',').append(confusion.count(r, c));
            }
            csv.append(CSV_ROW_END);
        }
        return csv.toString();
    }

    private static void bars(Storage storage, Path file, String title, String axis, ClassList classes,
                             double[] values) throws IOException {
        try (OutputStream png = storage.create(file)) {
            EvalPlots.classBars(title, axis, classes.names(), values, png);
        }
    }

    private static String resultsTable(ClassList classes, SegmentationConfusion confusion, SegmentationMetrics m,
                                       List<String> skipped) {
        int n = classes.size();
        long[] labelled = new long[n];
        long[] predicted = new long[n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                labelled[r] += confusion.count(r, c);
                predicted[c] += confusion.count(r, c);
            }
        }
        int width = Math.max(5, classes.names().stream().mapToInt(String::length).max().orElse(5));
        String head = "%-" + width + "s %7s %10s %9s %14s %14s%n";
        String row = "%-" + width + "s %7.4f %10.4f %9.4f %14d %14d%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, head, "class", "IoU", "recall/PA", "precision", "label pixels",
                "predicted"));
        for (int k = 0; k < n; k++) {
            sb.append(String.format(Locale.ROOT, row, classes.name(k), m.iou()[k], m.recall()[k], m.precision()[k],
                    labelled[k], predicted[k]));
        }
        sb.append(String.format(Locale.ROOT, "%nmIoU %.4f  mPA %.4f  mPrecision %.4f  accuracy %.4f  (means over all "
                + "%d classes, as get_miou.py)%n", m.mIoU(), m.mPA(), m.mPrecision(), m.accuracy(), n));
        sb.append(String.format(Locale.ROOT, "images %d evaluated, %d skipped (prediction of another pixel count)%s%n",
                confusion.images(), skipped.size(), skipped.isEmpty() ? "" : ": " + String.join(", ", skipped)));
        sb.append(String.format(Locale.ROOT, "label pixels left out (outside 0..%d, 255 = ignore): %d; predicted "
                + "pixels of no class: %d%n", n - 1, confusion.ignoredLabelPixels(),
                confusion.outOfRangePredictions()));
        return sb.toString();
    }
}

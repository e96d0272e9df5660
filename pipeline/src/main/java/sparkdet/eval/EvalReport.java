package sparkdet.eval;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.Path;
import sparkdet.data.ClassList;
import sparkdet.io.Csv;
import sparkdet.io.Storage;
import sparkdet.viz.EvalPlots;

/**
 * The files next to metrics.json that people look at: pr_curves/&lt;class&gt;.csv and .png,
 * pr_curves/all.png, f1_curve.csv and .png, confusion_matrix.csv and .png, per_image.csv.
 */
final class EvalReport {
    /** pr_curves/all.png: a class named "all" gets its index appended instead */
    private static final String ALL_CLASSES = "all";
    private static final int F1_POINTS = VocMetrics.Curve.F1_THRESHOLDS.length;

    private EvalReport() {
    }

    static void write(Storage storage, Path dir, VocMetrics voc, ClassList classes, long[][] confusion,
                      ImageOutcomes perImage) throws IOException {
        List<String> files = SafeNames.of(classes.names(), ALL_CLASSES);
        // sequential: rendering in two threads measured no faster (Java2D serialises on its caches)
        List<EvalPlots.Series> pr = IntStream.range(0, classes.size())
                .filter(c -> voc.classes()[c].npos() > 0 || voc.classes()[c].detections() > 0)
                .mapToObj(c -> {
                    try {
                        return writeClass(storage, dir, voc, classes.name(c), files.get(c), voc.classes()[c]);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).toList();
        try (OutputStream png = storage.create(new Path(dir, "pr_curves/" + ALL_CLASSES + ".png"))) {
            EvalPlots.prCurves(String.format(Locale.ROOT, "Precision/recall, IoU %s: mAP %.4f (all-point)", voc.iou(),
                    voc.mapAllPoint()), pr, png);
        }
        writeF1(storage, dir, voc, classes);
        writeConfusion(storage, dir, voc, classes, confusion);
        writePerImage(storage, dir, perImage);
    }

    private static EvalPlots.Series writeClass(Storage storage, Path dir, VocMetrics voc, String className,
                                               String file, VocMetrics.ClassResult r) throws IOException {
        VocMetrics.Curve curve = r.curve();
        StringBuilder csv = new StringBuilder("recall,precision,score\n");
        for (int i = 0; i < curve.scores().length; i++) {
            csv.append(curve.recall()[i]).append(',').append(curve.precision()[i]).append(',')
                    .append(curve.scores()[i]).append('\n');
        }
        storage.writeText(new Path(dir, "pr_curves/" + file + ".csv"), csv.toString());
        String name = String.format(Locale.ROOT, "%s (AP %.3f)", className, r.npos() > 0 ? r.apAllPoint() : 0);
        EvalPlots.Series s = stepPoints(name, curve.recall(), envelope(curve.precision()));
        try (OutputStream png = storage.create(new Path(dir, "pr_curves/" + file + ".png"))) {
            EvalPlots.prCurves(name + ", IoU " + voc.iou(), List.of(s), png);
        }
        return s;
    }

    /**
     * the points where the curve changes: the envelope is flat between changes of recall, so a
     * class with 6000 detections but 400 positives is drawn from at most 800 points
     */
    static EvalPlots.Series stepPoints(String name, double[] recall, double[] precision) {
        double[] x = new double[recall.length * 2];
        double[] y = new double[recall.length * 2];
        int n = 0;
        for (int i = 0; i < recall.length; i++) {
            boolean change = i == 0 || i == recall.length - 1 || recall[i] != recall[i - 1]
                    || precision[i] != precision[i - 1];
            if (change) {
                x[n] = recall[i];
                y[n++] = precision[i];
            }
        }
        return new EvalPlots.Series(name, java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    }

    /** precision made non-increasing from the right, as the all-point AP reads it */
    static double[] envelope(double[] precision) {
        double[] e = precision.clone();
        for (int i = e.length - 1; i > 0; i--) {
            e[i - 1] = Math.max(e[i - 1], e[i]);
        }
        return e;
    }

    private static void writeF1(Storage storage, Path dir, VocMetrics voc, ClassList classes) throws IOException {
        double[] thresholds = VocMetrics.Curve.F1_THRESHOLDS;
        List<EvalPlots.Series> perClass = new ArrayList<>();
        double[] mean = new double[F1_POINTS];
        int counted = 0;
        StringBuilder csv = new StringBuilder("score_threshold");
        List<double[]> columns = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            VocMetrics.ClassResult r = voc.classes()[c];
            if (r.npos() == 0) {
                continue;
            }
            double[] f1 = new double[F1_POINTS];
            for (int i = 0; i < F1_POINTS; i++) {
                f1[i] = r.curve().f1At(thresholds[i], r.npos());
                mean[i] += f1[i];
            }
            counted++;
            columns.add(f1);
            csv.append(',').append(Csv.field(classes.name(c)));
            perClass.add(new EvalPlots.Series(classes.name(c), thresholds, f1));
        }
        for (int i = 0; i < F1_POINTS; i++) {
            mean[i] = counted == 0 ? 0 : mean[i] / counted;
        }
        csv.append(",mean\n");
        for (int i = 0; i < F1_POINTS; i++) {
            csv.append(thresholds[i]);
            for (double[] col : columns) {
                csv.append(',').append(col[i]);
            }
            csv.append(',').append(mean[i]).append('\n');
        }
        storage.writeText(new Path(dir, "f1_curve.csv"), csv.toString());
        try (OutputStream png = storage.create(new Path(dir, "f1_curve.png"))) {
            EvalPlots.f1Curves(perClass, new EvalPlots.Series("mean", thresholds, mean), png);
        }
    }

    private static void writeConfusion(Storage storage, Path dir, VocMetrics voc, ClassList classes, long[][] counts)
            throws IOException {
        List<String> names = new ArrayList<>(classes.names());
        names.add("background");
        StringBuilder csv = new StringBuilder("truth\\predicted");
        for (String n : names) {
            csv.append(',').append(Csv.field(n));
        }
        csv.append('\n');
        for (int r = 0; r < names.size(); r++) {
            csv.append(Csv.field(names.get(r)));
            for (long v : counts[r]) {
                csv.append(',').append(v);
            }
            csv.append('\n');
        }
        storage.writeText(new Path(dir, "confusion_matrix.csv"), csv.toString());
        try (OutputStream png = storage.create(new Path(dir, "confusion_matrix.png"))) {
            EvalPlots.confusionMatrix(names, counts,
                    String.format(Locale.ROOT, "Score >= %s, IoU >= 0.5.", voc.scoreThreshold()), png);
        }
    }

    /** one row per image in image order: its keys and {@link ImageOutcomes#COUNTS}; streamed (a million rows) */
    private static void writePerImage(Storage storage, Path dir, ImageOutcomes perImage) throws IOException {
        try (Writer csv = new BufferedWriter(new OutputStreamWriter(storage.create(new Path(dir, "per_image.csv")),
                StandardCharsets.UTF_8))) {
            csv.write("coco_image_id,file_name," + String.join(",", ImageOutcomes.COUNTS) + "\n");
            for (int i = 0; i < perImage.size(); i++) {
                csv.write(perImage.cocoId(i) + "," + Csv.field(perImage.fileName(i)));
                for (int c = 0; c < ImageOutcomes.COUNTS.size(); c++) {
                    csv.write("," + perImage.count(i, c));
                }
                csv.write('\n');
            }
        }
    }
}

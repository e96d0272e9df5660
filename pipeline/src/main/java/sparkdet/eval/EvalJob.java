package sparkdet.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;

/**
 * evaluate on one machine: load, COCO metric (evaluate + accumulate), VOC metric and the numbers
 * at a score threshold, then metrics.json, results.txt, the curves and the confusion matrix,
 * written all at once to any Hadoop URI.
 */
public final class EvalJob {
    private static final Logger LOG = LoggerFactory.getLogger(EvalJob.class);

    private final Storage storage;
    private final Supplier<SparkSession> spark;

    public EvalJob(Storage storage, Supplier<SparkSession> spark) {
        this.storage = storage;
        this.spark = spark;
    }

    /** the numbers, and where they were written */
    public record Summary(String output, Map<String, Object> metrics) {
    }

    public Summary run(EvalRequest req) throws IOException {
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(req.output()), req.overwrite());
        try {
            long t0 = System.nanoTime();
            EvalSources sources = new EvalSources(storage, spark);
            EvalData gt = sources.groundTruth(req.gt());
            EvalSources.Detections dt = sources.detections(req.detections(), gt);
            if (dt.unknownClass() > 0) {
                LOG.warn("{} detections have a class the ground truth does not have: left out", dt.unknownClass());
            }
            if (dt.unknownImage() > 0) {
                LOG.warn("{} detections are for images the ground truth does not have: left out", dt.unknownImage());
            }
            BoxTable gtBoxes = gt.boxes();
            double load = seconds(t0);
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("counts", ordered("images", gt.images().size(), "gt", gtBoxes.size(),
                    "detections", dt.boxes().size()));
            double evaluate = 0;
            double accumulate = 0;
            if (req.coco()) {
                long t1 = System.nanoTime();
                CocoEvaluator coco = new CocoEvaluator(gt.images().size(), gt.categoryIds());
                coco.evaluate(gtBoxes, dt.boxes());
                evaluate = seconds(t1);
                long t2 = System.nanoTime();
                CocoMetrics m = coco.summarize();
                accumulate = seconds(t2);
                metrics.put("coco", cocoJson(m, gt));
            }
            VocMetrics voc = new VocEvaluator(gt.classes().size(), req.iou(), req.plus1())
                    .evaluate(gtBoxes, dt.boxes(), gt.images().size(), req.scoreThreshold());
            if (!req.metric().equals("coco")) {
                metrics.put("voc", vocJson(voc, gt.classes()));
            }
            metrics.put("at_threshold", thresholdJson(voc, gt.classes()));
            metrics.put("timing_s", ordered("load", load, "evaluate", evaluate, "accumulate", accumulate));
            String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics);
            storage.writeText(out.resolve("metrics.json"), json);
            storage.writeText(out.resolve("results.txt"), resultsTable(metrics, voc, gt));
            long t3 = System.nanoTime();
            long[][] confusion = ConfusionMatrix.compute(gtBoxes, dt.boxes(), gt.images().size(), gt.classes().size(),
                    0.5, req.scoreThreshold());
            EvalReport.write(storage, out.dir(), voc, gt.classes(), confusion);
            LOG.info("metrics in {} s, curves and confusion matrix in {} s", String.format(Locale.ROOT, "%.2f",
                    (t3 - t0) / 1e9), String.format(Locale.ROOT, "%.2f", seconds(t3)));
            out.commit();
            return new Summary(out.target().toString(), metrics);
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /** a JSON object with its keys in the order given */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static Map<String, Object> cocoJson(CocoMetrics m, EvalData gt) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("stats", m.stats());
        for (int i = 0; i < CocoMetrics.NAMES.length; i++) {
            j.put(CocoMetrics.NAMES[i], m.stats()[i]);
        }
        Map<String, Object> perClass = new LinkedHashMap<>();
        long[] ids = gt.categoryIds();
        for (int c = 0; c < ids.length; c++) {
            double[] v = m.perCategory().get(ids[c]);
            if (v != null) {
                perClass.put(gt.classes().name(c), ordered("AP", v[0], "AP50", v[1], "AP75", v[2]));
            }
        }
        j.put("per_class", perClass);
        return j;
    }

    private static Map<String, Object> vocJson(VocMetrics m, ClassList classes) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("iou", m.iou());
        j.put("plus1", m.plus1());
        j.put("mAP_voc07", m.mapVoc07());
        j.put("mAP_all_point", m.mapAllPoint());
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            VocMetrics.ClassResult r = m.classes()[c];
            if (r.npos() > 0) {
                perClass.put(classes.name(c), ordered("ap_voc07", r.apVoc07(), "ap_all_point", r.apAllPoint(),
                        "npos", r.npos(), "tp", r.tp(), "fp", r.fp()));
            }
        }
        j.put("per_class", perClass);
        return j;
    }

    private static Map<String, Object> thresholdJson(VocMetrics m, ClassList classes) {
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            VocMetrics.ClassResult r = m.classes()[c];
            if (r.npos() > 0 || r.detections() > 0) {
                perClass.put(classes.name(c), ordered("precision", r.precision(), "recall", r.recall(), "f1", r.f1()));
            }
        }
        return ordered("score", m.scoreThreshold(), "per_class", perClass);
    }

    @SuppressWarnings("unchecked")
    private static String resultsTable(Map<String, Object> metrics, VocMetrics voc, EvalData gt) {
        Map<String, Object> coco = (Map<String, Object>) metrics.get("coco");
        Map<String, Object> cocoPerClass = coco == null ? Map.of() : (Map<String, Object>) coco.get("per_class");
        int width = Math.max(5, gt.classes().names().stream().mapToInt(String::length).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        String head = "%-" + width + "s %7s %8s %7s %7s %7s %9s %7s %7s%n";
        String row = "%-" + width + "s %7d %8d %7s %7s %7s %9s %7s %7s%n";
        sb.append(String.format(Locale.ROOT, head, "class", "GT", "dets", "AP", "AP50", "VOC AP", "precision",
                "recall", "F1"));
        for (int c = 0; c < gt.classes().size(); c++) {
            VocMetrics.ClassResult r = voc.classes()[c];
            Map<String, Double> cc = (Map<String, Double>) cocoPerClass.get(gt.classes().name(c));
            sb.append(String.format(Locale.ROOT, row, gt.classes().name(c), r.npos() + r.difficult(), r.detections(),
                    cc == null ? "-" : f(cc.get("AP")), cc == null ? "-" : f(cc.get("AP50")),
                    r.npos() > 0 ? f(r.apAllPoint()) : "-", f(r.precision()), f(r.recall()), f(r.f1())));
        }
        if (coco != null) {
            sb.append(String.format(Locale.ROOT, "%nCOCO  AP %s  AP50 %s  AP75 %s  APs %s  APm %s  APl %s%n",
                    f((double) coco.get("AP")), f((double) coco.get("AP50")), f((double) coco.get("AP75")),
                    f((double) coco.get("APs")), f((double) coco.get("APm")), f((double) coco.get("APl"))));
        }
        sb.append(String.format(Locale.ROOT, "VOC   mAP@%s %s (all-point), %s (VOC07 11-point), %s%n", voc.iou(),
                f(voc.mapAllPoint()), f(voc.mapVoc07()), voc.plus1() ? "+1 pixel convention" : "continuous boxes"));
        sb.append(String.format(Locale.ROOT, "P/R/F1 at score >= %s, IoU >= %s%n", voc.scoreThreshold(), voc.iou()));
        return sb.toString();
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}

package sparkdet.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;

/**
 * evaluate: load, COCO metric (evaluate + accumulate), VOC metric and the numbers at a score
 * threshold, on the driver or, for detection sets too large for one machine, in Spark tasks
 * ({@link ShardedEvaluation}); then metrics.json, results.txt, the curves and the confusion
 * matrix, written all at once to any Hadoop URI.
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

    /** what either path found, with what the report needs of the ground truth */
    private record Evaluation(String mode, ClassList classes, long[] categoryIds, long images, long gtBoxes,
                              CocoMetrics coco, VocMetrics voc, long[][] confusion, ImageOutcomes perImage,
                              long detections, long unknownClass,
                              long unknownImage, long negativeScores, long negativeSizes, double load, double evaluate,
                              double accumulate) {
    }

    public Summary run(EvalRequest req) throws IOException {
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(req.output()), req.overwrite(), req.gt(),
                req.detections());
        try {
            Summary summary = evaluateInto(out, req);
            out.commit();
            return summary;
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /**
     * Writes the evaluation into an output the caller began (its guard passed) and will commit or
     * abort: val evaluates the detections it just wrote there. {@code req.output()} is not read here.
     */
    public Summary evaluateInto(AtomicOutput out, EvalRequest req) throws IOException {
        long t0 = System.nanoTime();
        EvalSources sources = new EvalSources(storage, spark);
        Evaluation e = onCluster(req, sources) ? sharded(req, sources, t0) : local(req, sources, t0);
        if (e.unknownClass() > 0) {
            LOG.warn("{} detections have a class the ground truth does not have: left out", e.unknownClass());
        }
        if (e.unknownImage() > 0) {
            LOG.warn("{} detections are for images the ground truth does not have: left out", e.unknownImage());
        }
        if (e.negativeScores() > 0) {
            LOG.warn("{} detections have a negative score: evaluated as given (scores only order detections)",
                    e.negativeScores());
        }
        if (e.negativeSizes() > 0) {
            LOG.warn("{} detections have a negative width or height (corners in the wrong order?): evaluated as "
                    + "given, as pycocotools does, where they overlap nothing", e.negativeSizes());
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("counts", ordered("images", e.images(), "gt", e.gtBoxes(),
                "detections", e.detections(), "negative_score_detections", e.negativeScores(),
                "negative_size_detections", e.negativeSizes()));
        if (e.coco() != null) {
            metrics.put("coco", cocoJson(e.coco(), e.classes(), e.categoryIds()));
        }
        if (!req.metric().equals("coco")) {
            metrics.put("voc", vocJson(e.voc(), e.classes()));
        }
        metrics.put("at_threshold", thresholdJson(e.voc(), e.classes()));
        metrics.put("mode", e.mode());
        metrics.put("timing_s", ordered("load", e.load(), "evaluate", e.evaluate(), "accumulate", e.accumulate()));
        String table = resultsTable(metrics, e.voc(), e.classes());
        Map<String, String> undefined = new LinkedHashMap<>();
        nullForUndefined(metrics, "", undefined);
        if (!undefined.isEmpty()) {
            metrics.put("undefined", undefined);
            LOG.warn("{} metrics are undefined (null in metrics.json, reasons under \"undefined\"), e.g. {}",
                    undefined.size(), undefined.entrySet().iterator().next());
        }
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics);
        storage.writeText(out.resolve("metrics.json"), json);
        storage.writeText(out.resolve("results.txt"), table);
        long t3 = System.nanoTime();
        EvalReport.write(storage, out.dir(), e.voc(), e.classes(), e.confusion(), e.perImage());
        LOG.info("metrics in {} s, curves and confusion matrix in {} s", String.format(Locale.ROOT, "%.2f",
                (t3 - t0) / 1e9), String.format(Locale.ROOT, "%.2f", seconds(t3)));
        return new Summary(out.target().toString(), metrics);
    }

    private boolean onCluster(EvalRequest req, EvalSources sources) throws IOException {
        return switch (req.mode()) {
            case "cluster" -> true;
            case "local" -> false;
            default -> sources.detectionBytes(req.detections()) > req.clusterAboveBytes();
        };
    }

    private static Evaluation local(EvalRequest req, EvalSources sources, long t0) throws IOException {
        EvalData gt = sources.groundTruth(req.gt());
        BoxTable gtBoxes = gt.boxes();
        EvalSources.Detections dt = sources.detections(req.detections(), gt);
        double load = seconds(t0);
        int images = gt.images().size();
        CocoMetrics coco = null;
        double evaluate = 0;
        double accumulate = 0;
        if (req.coco()) {
            long t1 = System.nanoTime();
            CocoEvaluator evaluator = new CocoEvaluator(images, gt.categoryIds(), CocoParams.maxDets(req.maxDets()));
            evaluator.evaluate(gtBoxes, dt.boxes());
            evaluate = seconds(t1);
            long t2 = System.nanoTime();
            coco = evaluator.summarize();
            accumulate = seconds(t2);
        }
        VocMetrics voc = new VocEvaluator(gt.classes().size(), req.iou(), req.plus1())
                .evaluate(gtBoxes, dt.boxes(), images, req.scoreThreshold());
        ImageOutcomes perImage = ImageOutcomes.of(java.util.stream.LongStream.range(0, images).toArray(),
                gt.images().stream().mapToLong(r -> r.cocoImageId).toArray(),
                gt.images().stream().map(r -> r.fileName).toArray(String[]::new));
        long[][] confusion = ConfusionMatrix.compute(gtBoxes, dt.boxes(), images, gt.classes().size(), 0.5,
                req.scoreThreshold(), perImage);
        return new Evaluation("local", gt.classes(), gt.categoryIds(), images, gtBoxes.size(), coco, voc, confusion,
                perImage, dt.boxes().size(), dt.unknownClass(), dt.unknownImage(), dt.boxes().negativeScores(),
                dt.boxes().negativeSizes(), load, evaluate, accumulate);
    }

    /** the cluster path: neither the ground truth nor the detections come to the driver */
    private Evaluation sharded(EvalRequest req, EvalSources sources, long t0) throws IOException {
        SparkSession session = spark.get();
        int shards = req.shards() > 0 ? req.shards() : session.sparkContext().defaultParallelism();
        try (ClusterInputs inputs = new ClusterInputs(JavaSparkContext.fromSparkContext(session.sparkContext()),
                shards)) {
            ClusterInputs.GroundTruth gt = sources.clusterGroundTruth(req.gt(), inputs);
            ClusterInputs.Detections dt = sources.clusterDetections(req.detections(), gt, inputs);
            double load = seconds(t0);
            ShardedEvaluation.Setup setup = new ShardedEvaluation.Setup(gt.count(), gt.categoryIds(),
                    CocoParams.maxDets(req.maxDets()), req.coco(), req.iou(), req.plus1(), req.scoreThreshold());
            ShardedEvaluation.Result r = ShardedEvaluation.run(setup, shards, gt.images(), dt.byImage());
            ShardedEvaluation.Totals t = r.totals();
            return new Evaluation("cluster (" + shards + " shards)", gt.classes(), gt.categoryIds(), gt.count(),
                    t.gtBoxes(), r.coco(), r.voc(), t.confusion(), t.perImage(), t.detections(), t.unknownClass(), dt.unknownImage(),
                    t.negativeScores(), t.negativeSizes(), load, r.evaluateSeconds(), r.accumulateSeconds());
        }
    }

    /**
     * Replaces the NaNs of the metrics (0/0: an AP without ground truth, a precision without
     * detections) with null, which JSON readers take, and records why under their path; JSON has
     * no NaN and Jackson would write the string "NaN".
     */
    @SuppressWarnings("unchecked")
    private static void nullForUndefined(Map<String, Object> node, String path, Map<String, String> why) {
        for (Map.Entry<String, Object> entry : node.entrySet()) {
            String at = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> child) {
                nullForUndefined((Map<String, Object>) child, at, why);
            } else if (entry.getValue() instanceof Double d && d.isNaN()) {
                entry.setValue(null);
                why.put(at, undefinedBecause(entry.getKey()));
            }
        }
    }

    private static String undefinedBecause(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        if (m.equals("precision")) {
            return "no detections at or above the score threshold";
        }
        if (m.equals("f1")) {
            return "precision or recall is undefined";
        }
        if (m.equals("recall") || m.startsWith("ap") || m.startsWith("map")) {
            return "no ground-truth objects to find";
        }
        return "0/0";
    }

    /** a JSON object with its keys in the order given */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static Map<String, Object> cocoJson(CocoMetrics m, ClassList classes, long[] ids) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("stats", m.stats());
        j.put("max_dets", m.maxDets());
        for (int i = 0; i < CocoMetrics.NAMES.length; i++) {
            j.put(CocoMetrics.NAMES[i], m.stats()[i]);
        }
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int c = 0; c < ids.length; c++) {
            double[] v = m.perCategory().get(ids[c]);
            if (v != null) {
                perClass.put(classes.name(c), ordered("AP", v[0], "AP50", v[1], "AP75", v[2]));
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
    private static String resultsTable(Map<String, Object> metrics, VocMetrics voc, ClassList classes) {
        Map<String, Object> coco = (Map<String, Object>) metrics.get("coco");
        Map<String, Object> cocoPerClass = coco == null ? Map.of() : (Map<String, Object>) coco.get("per_class");
        int width = Math.max(5, classes.names().stream().mapToInt(String::length).max().orElse(5));
        StringBuilder sb = new StringBuilder();
        String head = "%-" + width + "s %7s %8s %7s %7s %7s %9s %7s %7s%n";
        String row = "%-" + width + "s %7d %8d %7s %7s %7s %9s %7s %7s%n";
        sb.append(String.format(Locale.ROOT, head, "class", "GT", "dets", "AP", "AP50", "VOC AP", "precision",
                "recall", "F1"));
        for (int c = 0; c < classes.size(); c++) {
            VocMetrics.ClassResult r = voc.classes()[c];
            Map<String, Double> cc = (Map<String, Double>) cocoPerClass.get(classes.name(c));
            sb.append(String.format(Locale.ROOT, row, classes.name(c), r.npos() + r.difficult(), r.detections(),
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
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }
}

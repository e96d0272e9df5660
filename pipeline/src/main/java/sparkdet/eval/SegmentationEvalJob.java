package sparkdet.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.data.ClassList;
import sparkdet.io.AtomicOutput;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;

/**
 * evaluate --task segment: the pixel confusion matrix of label and predicted masks, summed on the
 * driver or in Spark tasks, and the reference get_miou.py's numbers on it; metrics.json,
 * results.txt, confusion_matrix.csv and the per-class bar charts, written all at once to any
 * Hadoop URI.
 */
public final class SegmentationEvalJob {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentationEvalJob.class);
    /** skipped images named in the log; metrics.json lists them all */
    private static final int NAMED = 5;

    private final Storage storage;
    private final Supplier<SparkSession> spark;
    private final int threads;

    /**
     * @param spark a session, made only for the cluster path or an ingested dataset
     * @param threads the local path's threads
     */
    public SegmentationEvalJob(Storage storage, Supplier<SparkSession> spark, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the local path needs at least one thread, not " + threads);
        }
        this.storage = storage;
        this.spark = spark;
        this.threads = threads;
    }

    /** on the driver, one thread per core */
    public SegmentationEvalJob(Storage storage, Supplier<SparkSession> spark) {
        this(storage, spark, Runtime.getRuntime().availableProcessors());
    }

    public EvalJob.Summary run(SegmentationEvalRequest req) throws IOException {
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(req.output()), req.overwrite(), req.gt(),
                req.predictions(), req.classes());
        try {
            EvalJob.Summary summary = evaluateInto(out, req);
            out.commit();
            return summary;
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /**
     * Writes the evaluation into an output the caller began (its guard passed) and will commit or
     * abort: val evaluates the masks it just wrote there. {@code req.output()} is not read here.
     */
    public EvalJob.Summary evaluateInto(AtomicOutput out, SegmentationEvalRequest req) throws IOException {
        long t0 = System.nanoTime();
        SegmentationSources.Inputs in = new SegmentationSources(storage, spark).read(req.gt(), req.predictions(),
                req.classes(), req.split());
        int n = in.classes().size();
        double load = EvalJob.seconds(t0);
        long t1 = System.nanoTime();
        String mode;
        SegmentationConfusion confusion;
        if (onCluster(req, in)) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.get().sparkContext());
            int shards = req.shards() > 0 ? req.shards() : jsc.defaultParallelism();
            mode = "cluster (" + shards + " shards)";
            confusion = SegmentationEvaluation.cluster(jsc, in.pairs(), n, new HadoopConf(storage.conf()),
                    req.pixelLimit(), shards);
        } else {
            mode = "local (" + threads + " threads)";
            confusion = SegmentationEvaluation.local(in.pairs(), n, storage, req.pixelLimit(), threads);
        }
        double evaluate = EvalJob.seconds(t1);
        List<String> skipped = new ArrayList<>();
        for (long i : confusion.skipped()) {
            skipped.add(in.pairs().get((int) i).stem());
        }
        warn(confusion, skipped, n);
        SegmentationMetrics m = SegmentationMetrics.of(confusion);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("counts", EvalJob.ordered("images", in.pairs().size(), "evaluated", confusion.images(),
                "skipped", skipped.size(), "pixels", total(confusion), "ignored_label_pixels",
                confusion.ignoredLabelPixels(), "out_of_range_prediction_pixels",
                confusion.outOfRangePredictions()));
        metrics.put("segmentation", segmentationJson(m, in.classes(), in.pairs().size(), skipped));
        metrics.put("mode", mode);
        metrics.put("timing_s", EvalJob.ordered("load", load, "evaluate", evaluate));
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics);
        storage.writeText(out.resolve("metrics.json"), json);
        SegmentationReport.write(storage, out.dir(), in.classes(), confusion, m, skipped);
        return new EvalJob.Summary(out.target().toString(), metrics);
    }

    private boolean onCluster(SegmentationEvalRequest req, SegmentationSources.Inputs in) throws IOException {
        return switch (req.mode()) {
            case "cluster" -> true;
            case "local" -> false;
            default -> storage.size(in.predictions()) > req.clusterAboveBytes();
        };
    }

    private static void warn(SegmentationConfusion confusion, List<String> skipped, int classes) {
        if (!skipped.isEmpty()) {
            LOG.warn("{} images skipped, their prediction having another pixel count than their label (as get_miou "
                    + "skips them; listed in metrics.json): {}", skipped.size(),
                    String.join(", ", skipped.subList(0, Math.min(NAMED, skipped.size()))));
        }
        if (confusion.outOfRangePredictions() > 0) {
            LOG.warn("{} predicted pixels hold a value of no class (>= {}): counted where get_miou's fast_hist counts "
                    + "them, at flat index classes * label + value, which is another cell of the matrix; are the "
                    + "classes the model's?", confusion.outOfRangePredictions(), classes);
        }
    }

    private static long total(SegmentationConfusion confusion) {
        long sum = 0;
        for (long[] row : confusion.matrix()) {
            for (long v : row) {
                sum += v;
            }
        }
        return sum;
    }

    private static Map<String, Object> segmentationJson(SegmentationMetrics m, ClassList classes, int images,
                                                        List<String> skipped) {
        Map<String, Object> perClass = new LinkedHashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            perClass.put(classes.name(k), EvalJob.ordered("iou", m.iou()[k], "recall", m.recall()[k], "precision",
                    m.precision()[k]));
        }
        return EvalJob.ordered("num_classes", classes.size(), "classes", classes.names(), "images", images,
                "skipped", skipped, "per_class", perClass, "mIoU", m.mIoU(), "mPA", m.mPA(), "mPrecision",
                m.mPrecision(), "accuracy", m.accuracy());
    }
}

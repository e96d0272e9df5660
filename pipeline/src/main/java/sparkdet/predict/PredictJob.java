package sparkdet.predict;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.infer.SharedDetectors;
import sparkdet.io.AtomicOutput;
import sparkdet.io.HadoopConf;
import sparkdet.io.Storage;
import sparkdet.model.Task;

/**
 * {@code predict}: the input listed as a Spark dataset, split into tasks, each task running the
 * executor's detector over its images and writing its share of every output; the driver only
 * splices the tasks' COCO results into one detections.json and counts. Everything lands in the
 * output folder at once (staged, then renamed), replacing an earlier prediction there.
 */
public final class PredictJob {
    private static final Logger LOG = LoggerFactory.getLogger(PredictJob.class);
    public static final String DETECTIONS_JSON = "detections.json";
    public static final String DETECTIONS = "detections";
    public static final String SUMMARY = "summary.json";
    /** a segmentation model's rows, and its pixels per image and class */
    public static final String SEGMENTS = "segments";
    public static final String COUNTS_JSON = "counts.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final SparkSession spark;

    public PredictJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * what a run did; failed images are listed in detections/ (segments/) with their error
     *
     * @param detections boxes found, or for a segmentation model masks written
     * @param segment whether the model was a segmentation model
     */
    public record Summary(String output, long images, long failed, long detections, double seconds, boolean segment) {
        public double imagesPerSecond() {
            return images / Math.max(seconds, 1e-9);
        }
    }

    public Summary run(PredictRequest request) throws IOException {
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        // refused before any work: an output that holds the model or the input, or exists unasked
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(request.output()), request.overwrite(),
                request.model(), request.input());
        try {
            Summary summary = predictInto(out, request);
            out.commit();
            return summary;
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }

    /**
     * Writes the prediction into an output the caller began (its guard passed) and will commit or
     * abort: val puts its evaluation beside it. {@code request.output()} is not read here.
     */
    public Summary predictInto(AtomicOutput out, PredictRequest request) throws IOException {
        long t0 = System.nanoTime();
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
        int slots = spark.sparkContext().defaultParallelism();
        JavaRDD<ImageRef> refs = InputImages.list(spark, storage, request.input(), out.target(), slots);
        // a bad model fails here with its own message, not four task failures later; in local
        // mode the driver is the executor, so the tasks find it loaded
        int taskCores = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        boolean segment;
        try (SharedDetectors.Lease model = SharedDetectors.acquire(hadoop, request.model(), taskCores,
                request.device(), request.modelMaxBytes())) {
            LOG.info("model: {}", model.detector().describe());
            segment = model.detector().spec().task() == Task.SEGMENT;
        }
        JavaRDD<Row> rows = refs.mapPartitions(new PredictPartition(request, out.dir().toString(), hadoop));
        String table = segment ? SEGMENTS : DETECTIONS;
        Dataset<Row> frame = spark.createDataFrame(rows, segment ? PredictionSchema.SEGMENT : PredictionSchema.IMAGE);
        frame.write().parquet(out.resolve(table).toString());
        // a segmentation model's "detections" are its masks
        Row counts = spark.read().parquet(out.resolve(table).toString()).agg(functions.count("*"),
                functions.count("error"), segment ? functions.count("mask")
                        : functions.sum(functions.size(functions.col("detections")))).first();
        long images = counts.getLong(0);
        long failed = counts.getLong(1);
        long detections = counts.isNullAt(2) ? 0 : counts.getLong(2);
        splice(storage, out.dir(), segment ? COUNTS_JSON : DETECTIONS_JSON);
        double seconds = (System.nanoTime() - t0) / 1e9;
        Summary summary = new Summary(out.target().toString(), images, failed, detections, seconds, segment);
        writeSummary(storage, out.resolve(SUMMARY), request, summary, segment);
        LOG.info("predicted {} images ({} failed), {} {}, in {} s", images, failed, detections,
                segment ? "masks" : "detections",
                String.format(java.util.Locale.ROOT, "%.1f", seconds));
        return summary;
    }

    /** the tasks' runs of JSON objects (COCO results, or pixel counts), in partition order, into one JSON array, streamed */
    private static void splice(Storage storage, Path dir, String file) throws IOException {
        Path parts = new Path(dir, SideOutputs.PARTS);
        List<Path> files = storage.exists(parts) ? storage.listFiles(parts, ".json") : List.of();
        try (OutputStream json = storage.create(new Path(dir, file))) {
            json.write('[');
            boolean first = true;
            for (Path f : files) {
                if (storage.size(f) == 0) {
                    continue;
                }
                if (!first) {
                    json.write(",\n".getBytes(StandardCharsets.UTF_8));
                }
                first = false;
                try (InputStream in = storage.open(f)) {
                    in.transferTo(json);
                }
            }
            json.write("]\n".getBytes(StandardCharsets.UTF_8));
        }
        storage.fs(parts).delete(parts, true);
    }

    private static void writeSummary(Storage storage, Path file, PredictRequest request, Summary s, boolean segment)
            throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", request.model());
        root.put("input", request.input());
        root.put("images", s.images());
        root.put("failed", s.failed());
        root.put(segment ? "masks" : "detections", s.detections());
        root.put("score", request.options().score());
        root.put("nms_iou", request.options().nmsIou());
        root.put("max_dets", request.options().maxDets());
        root.put("seconds", s.seconds());
        storage.writeText(file, JSON.writeValueAsString(root));
    }
}

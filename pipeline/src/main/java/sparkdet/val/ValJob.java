package sparkdet.val;

import java.io.IOException;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import sparkdet.data.Datasets;
import sparkdet.eval.CocoParams;
import sparkdet.eval.EvalJob;
import sparkdet.eval.EvalRequest;
import sparkdet.eval.SegmentationEvalJob;
import sparkdet.eval.SegmentationEvalRequest;
import sparkdet.io.AtomicOutput;
import sparkdet.io.Storage;
import sparkdet.predict.PredictJob;
import sparkdet.predict.PredictRequest;

/**
 * {@code val}: predict a dataset written by ingest, then evaluate what was predicted against the
 * dataset's own ground truth, in one job and one output folder (the Ultralytics {@code val} mode).
 * Both steps are predict's and evaluate's own code: the prediction is written into the staging
 * folder, evaluate reads it from there and writes its files beside it (boxes: COCO and VOC, as
 * {@code evaluate}; masks: get_miou, as {@code evaluate --task segment}), and the folder is
 * renamed into place once both are done.
 */
public final class ValJob {
    /** the VOC root's split file evaluate --task segment would read; a dataset has none */
    private static final String UNUSED_VOC_SPLIT = "val";

    private final SparkSession spark;

    public ValJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * @param predicted what predict did (images, failed, boxes or masks, whether the model segments)
     * @param metrics evaluate's metrics.json
     */
    public record Summary(String output, PredictJob.Summary predicted, Map<String, Object> metrics) {
    }

    public Summary run(ValRequest req) throws IOException {
        PredictRequest predict = req.predict();
        Storage storage = new Storage(spark.sparkContext().hadoopConfiguration());
        // refused before any work: an output that holds the model or the dataset, or exists unasked
        AtomicOutput out = AtomicOutput.begin(storage, Storage.path(predict.output()), predict.overwrite(),
                predict.model(), predict.input());
        try {
            // the ground truth is the dataset's: anything else is refused before the images are predicted
            Datasets.open(spark, predict.input());
            String staged = out.dir().toString();
            // made before predicting, so that a setting evaluate refuses stops the run before any work
            EvalRequest boxes = new EvalRequest(predict.input(), staged, predict.output(), "all", req.iou(),
                    req.scoreThreshold(), true, predict.overwrite(), CocoParams.MAX_DETS[2], req.mode(),
                    req.clusterAboveBytes(), req.shards());
            SegmentationEvalRequest masks = new SegmentationEvalRequest(predict.input(), staged, predict.output(),
                    null, UNUSED_VOC_SPLIT, predict.overwrite(), req.mode(), req.clusterAboveBytes(), req.shards(),
                    predict.pixelLimit());
            PredictJob.Summary predicted = new PredictJob(spark).predictInto(out, predict);
            EvalJob.Summary evaluated = predicted.segment()
                    ? new SegmentationEvalJob(storage, () -> spark).evaluateInto(out, masks)
                    : new EvalJob(storage, () -> spark).evaluateInto(out, boxes);
            out.commit();
            return new Summary(out.target().toString(), predicted, evaluated.metrics());
        } catch (IOException | RuntimeException e) {
            out.abort();
            throw e;
        }
    }
}

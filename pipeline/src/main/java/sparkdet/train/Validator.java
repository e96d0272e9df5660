package sparkdet.train;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import sparkdet.batches.Batch;
import sparkdet.batches.BatchLoader;
import sparkdet.batches.LoaderOptions;
import sparkdet.data.ImageRecord;
import sparkdet.eval.BoxTable;
import sparkdet.eval.VocEvaluator;
import sparkdet.model.Network;
import sparkdet.model.RawOutputs;
import sparkdet.postprocess.Detection;
import sparkdet.postprocess.OutputDecoder;

/**
 * Validation mAP@0.5 during training: the validation images letterboxed as predict sees them,
 * detections decoded by the family's decoder as predict decodes them (score >= 0.001, NMS 0.5, at
 * most 100), and VOC
 * all-point AP per class by the evaluation code. Ground truth and detections are compared in the
 * letterboxed input's pixels: a uniform scale and shift leave every IoU unchanged.
 */
final class Validator implements Validation {
    private static final double SCORE = 0.001;
    private static final double NMS_IOU = 0.5;
    private static final int MAX_DETS = 100;

    private final List<ImageRecord> images;
    private final Configuration hadoop;
    private final LoaderOptions loading;
    private final int classes;
    private final OutputDecoder decoder;

    /** @param loading how the validation images are loaded: {@link LoaderOptions#validation} */
    Validator(List<ImageRecord> images, Configuration hadoop, LoaderOptions loading, int classes,
              OutputDecoder decoder) {
        this.images = images;
        this.hadoop = hadoop;
        this.loading = loading;
        this.classes = classes;
        this.decoder = decoder;
    }

    @Override
    public ValidationMetric metric() {
        return ValidationMetric.MAP50;
    }

    /** VOC all-point mAP@0.5 over the classes with ground truth; NaN without validation images */
    @Override
    public double score(Network model) {
        if (images.isEmpty()) {
            return Double.NaN;
        }
        BoxTable gt = new BoxTable();
        BoxTable dt = new BoxTable();
        int index = 0;
        boolean wasTraining = model.is_training();   // predict switches to eval mode
        try (BatchLoader loader = new BatchLoader(images, hadoop, loading)) {
            while (loader.hasNext()) {
                Batch b = loader.next();
                RawOutputs out = model.predict(b.images(), b.count(), b.size(), b.size());
                List<List<Detection>> found = decoder.decode(out.values(), out.shapes(), SCORE, NMS_IOU, MAX_DETS);
                for (int i = 0; i < b.count(); i++, index++) {
                    for (float[] g : b.boxes()[i]) {
                        gt.addCorners(index, (int) g[4], g[0], g[1], g[2], g[3], (g[2] - g[0]) * (g[3] - g[1]), 0,
                                false, false);
                    }
                    for (Detection d : found.get(i)) {
                        dt.addCorners(index, d.classIndex(), d.x1(), d.y1(), d.x2(), d.y2(),
                                (d.x2() - d.x1()) * (d.y2() - d.y1()), d.score(), false, false);
                    }
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return new VocEvaluator(classes, 0.5, false).evaluate(gt, dt, index, 0.5).mapAllPoint();
    }
}

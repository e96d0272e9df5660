package sparkdet.eval;

/**
 * What evaluate is asked for.
 *
 * @param metric coco, voc or all
 * @param iou the VOC metric's IoU threshold
 * @param scoreThreshold where precision, recall, F1 and the confusion matrix are read
 * @param maxDets COCO's largest maxDets (pycocotools: 100)
 * @param mode local (on the driver), cluster (in Spark tasks, see {@link ShardedEvaluation}) or
 *     auto (cluster when the detections are larger than {@code clusterAboveBytes})
 * @param shards the cluster path's number of shards (0: Spark's default parallelism)
 */
public record EvalRequest(String gt, String detections, String output, String metric, double iou,
                          double scoreThreshold, boolean plus1, boolean overwrite, int maxDets, String mode,
                          long clusterAboveBytes, int shards) {
    public EvalRequest {
        if (!metric.equals("coco") && !metric.equals("voc") && !metric.equals("all")) {
            throw new IllegalArgumentException("--metric must be coco, voc or all, not '" + metric + "'");
        }
        if (!(iou > 0 && iou <= 1)) {
            throw new IllegalArgumentException("--iou must be in (0, 1], not " + iou);
        }
        checkPlacement(mode, shards);
        CocoParams.maxDets(maxDets);
    }

    /** --mode and evaluate.shards, which detection and segmentation share */
    static void checkPlacement(String mode, int shards) {
        if (!mode.equals("auto") && !mode.equals("local") && !mode.equals("cluster")) {
            throw new IllegalArgumentException("--mode must be auto, local or cluster, not '" + mode + "'");
        }
        if (shards < 0) {
            throw new IllegalArgumentException("evaluate.shards must be 0 (automatic) or more, not " + shards);
        }
    }

    /** pycocotools' maxDets, on one machine */
    public EvalRequest(String gt, String detections, String output, String metric, double iou, double scoreThreshold,
                       boolean plus1, boolean overwrite) {
        this(gt, detections, output, metric, iou, scoreThreshold, plus1, overwrite, CocoParams.MAX_DETS[2], "local",
                Long.MAX_VALUE, 0);
    }

    boolean coco() {
        return !metric.equals("voc");
    }
}

package sparkdet.eval;

/**
 * What evaluate is asked for.
 *
 * @param metric coco, voc or all
 * @param iou the VOC metric's IoU threshold (and the confusion matrix's)
 * @param scoreThreshold where precision, recall and F1 are read
 */
public record EvalRequest(String gt, String detections, String output, String metric, double iou,
                          double scoreThreshold, boolean plus1, boolean overwrite) {
    public EvalRequest {
        if (!metric.equals("coco") && !metric.equals("voc") && !metric.equals("all")) {
            throw new IllegalArgumentException("--metric must be coco, voc or all, not '" + metric + "'");
        }
        if (!(iou > 0 && iou <= 1)) {
            throw new IllegalArgumentException("--iou must be in (0, 1], not " + iou);
        }
    }

    boolean coco() {
        return !metric.equals("voc");
    }
}

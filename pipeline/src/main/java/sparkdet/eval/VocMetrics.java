package sparkdet.eval;

/**
 * The VOC devkit's numbers for one IoU threshold and pixel convention: per class AP (11-point
 * VOC07 and all-point), the counts behind them, and precision/recall/F1 at a score threshold.
 * mAP is over the classes with positives; a class without any has NaN APs.
 */
public record VocMetrics(double iou, boolean plus1, double scoreThreshold, ClassResult[] classes,
                         double mapVoc07, double mapAllPoint, int classesInMap) {

    /**
     * @param npos ground truth that is not difficult
     * @param ignored detections whose best match was a difficult object (neither TP nor FP)
     */
    public record ClassResult(long npos, long difficult, long detections, long tp, long fp, long ignored,
                              double apVoc07, double apAllPoint, double finalRecall,
                              long tpAtThreshold, long fpAtThreshold, double precision, double recall, double f1) {
    }
}

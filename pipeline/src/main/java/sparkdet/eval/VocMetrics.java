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
                              long tpAtThreshold, long fpAtThreshold, double precision, double recall, double f1,
                              Curve curve) {
    }

    /**
     * the precision/recall curve: one point per detection in descending score (before the
     * precision envelope), with the TP and FP counts so far
     */
    public record Curve(double[] scores, double[] precision, double[] recall, long[] tp, long[] fp) {
        /** F1 counting the detections with score >= threshold (0 when there are none or no TP) */
        public double f1At(double threshold, long npos) {
            int n = 0;
            while (n < scores.length && scores[n] >= threshold) {
                n++;
            }
            if (n == 0 || npos == 0) {
                return 0;
            }
            double p = tp[n - 1] + fp[n - 1] == 0 ? 0 : (double) tp[n - 1] / (tp[n - 1] + fp[n - 1]);
            double r = (double) tp[n - 1] / npos;
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }
}

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
                              Curve curve) implements java.io.Serializable {
        /** the same numbers with the curve cut to at most about {@code maxPoints} points */
        public ClassResult withCurveSampled(int maxPoints) {
            return new ClassResult(npos, difficult, detections, tp, fp, ignored, apVoc07, apAllPoint, finalRecall,
                    tpAtThreshold, fpAtThreshold, precision, recall, f1, curve.sampled(maxPoints));
        }
    }

    /**
     * the precision/recall curve: one point per detection in descending score (before the
     * precision envelope), with the TP and FP counts so far
     */
    public record Curve(double[] scores, double[] precision, double[] recall, long[] tp, long[] fp)
            implements java.io.Serializable {
        /** the score thresholds of the F1 curve: 0, 0.01, ..., 1 */
        public static final double[] F1_THRESHOLDS = java.util.stream.IntStream.rangeClosed(0, 100)
                .mapToDouble(i -> i / 100.0).toArray();

        /**
         * at most about {@code maxPoints} points for the plots and the CSV: evenly spaced ones, the
         * last, and the last at or above each of {@link #F1_THRESHOLDS}, so that the F1 curve read
         * from it is the full curve's
         */
        public Curve sampled(int maxPoints) {
            int n = scores.length;
            if (n <= maxPoints) {
                return this;
            }
            java.util.BitSet keep = new java.util.BitSet(n);
            int step = (n + maxPoints - 1) / maxPoints;
            for (int i = 0; i < n; i += step) {
                keep.set(i);
            }
            keep.set(n - 1);
            int i = 0;
            for (int t = F1_THRESHOLDS.length - 1; t >= 0; t--) {
                while (i < n && scores[i] >= F1_THRESHOLDS[t]) {
                    i++;
                }
                if (i > 0) {
                    keep.set(i - 1);
                }
            }
            int[] at = keep.stream().toArray();
            double[] s = new double[at.length];
            double[] p = new double[at.length];
            double[] r = new double[at.length];
            long[] t = new long[at.length];
            long[] f = new long[at.length];
            for (int k = 0; k < at.length; k++) {
                s[k] = scores[at[k]];
                p[k] = precision[at[k]];
                r[k] = recall[at[k]];
                t[k] = tp[at[k]];
                f[k] = fp[at[k]];
            }
            return new Curve(s, p, r, t, f);
        }

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

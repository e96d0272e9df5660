package sparkdet.eval;

/**
 * The numbers the reference's get_miou.py reads off the summed confusion matrix (utils_metrics.py
 * {@code per_class_iu}, {@code per_class_PA_Recall}, {@code per_class_Precision},
 * {@code per_Accuracy}), computed as numpy does them: counts as doubles, one division per class,
 * and the means as {@code np.nanmean}, whose sum is numpy's pairwise summation (so the last bit
 * agrees too). No value is NaN (every divisor is at least 1), so nanmean is the mean over all
 * classes: a class absent from labels and predictions counts 0.
 *
 * @param iou per class: diag / max(row + column - diag, 1)
 * @param recall per class (= pixel accuracy, PA): diag / max(row, 1)
 * @param precision per class: diag / max(column, 1)
 * @param accuracy trace / max(total, 1)
 */
public record SegmentationMetrics(double[] iou, double[] recall, double[] precision, double mIoU, double mPA,
                                  double mPrecision, double accuracy) {
    /** numpy's pairwise summation works in blocks of this many values */
    private static final int NUMPY_BLOCK = 128;
    private static final int NUMPY_UNROLL = 8;

    public static SegmentationMetrics of(SegmentationConfusion confusion) {
        int n = confusion.classes();
        long[] rows = new long[n];
        long[] columns = new long[n];
        long trace = 0;
        long total = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                long v = confusion.count(r, c);
                rows[r] += v;
                columns[c] += v;
                total += v;
            }
            trace += confusion.count(r, r);
        }
        double[] iou = new double[n];
        double[] recall = new double[n];
        double[] precision = new double[n];
        for (int k = 0; k < n; k++) {
            double diag = confusion.count(k, k);
            iou[k] = diag / Math.max(rows[k] + columns[k] - confusion.count(k, k), 1);
            recall[k] = diag / Math.max(rows[k], 1);
            precision[k] = diag / Math.max(columns[k], 1);
        }
        return new SegmentationMetrics(iou, recall, precision, numpyMean(iou), numpyMean(recall),
                numpyMean(precision), (double) trace / Math.max(total, 1));
    }

    /** {@code np.mean} of float64 values: numpy's pairwise sum, divided by the count */
    static double numpyMean(double[] values) {
        return pairwiseSum(values, 0, values.length) / values.length;
    }

    /**
     * numpy's {@code pairwise_sum} (umath loops): a plain loop below 8 values, eight running sums
     * up to a block, halves (cut at a multiple of 8) above
     */
    private static double pairwiseSum(double[] a, int from, int n) {
        if (n < NUMPY_UNROLL) {
            double sum = -0.0;
            for (int i = 0; i < n; i++) {
                sum += a[from + i];
            }
            return sum;
        }
        if (n <= NUMPY_BLOCK) {
            double[] r = new double[NUMPY_UNROLL];
            System.arraycopy(a, from, r, 0, NUMPY_UNROLL);
            int i = NUMPY_UNROLL;
            for (; i < n - n % NUMPY_UNROLL; i += NUMPY_UNROLL) {
                for (int j = 0; j < NUMPY_UNROLL; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                sum += a[from + i];
            }
            return sum;
        }
        int half = n / 2;
        half -= half % NUMPY_UNROLL;
        return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
    }
}

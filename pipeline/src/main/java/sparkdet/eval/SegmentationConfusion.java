package sparkdet.eval;

import java.io.Serializable;
import java.util.Arrays;
import sparkdet.image.LabelMap;
import sparkdet.io.InputUnusableException;

/**
 * The pixel confusion matrix of semantic segmentation, summed over images as the reference's
 * get_miou.py sums {@code fast_hist(label.flatten(), pred.flatten(), n)} (bubbliiiing's
 * utils_metrics.py): rows are label classes, columns predicted values.
 *
 * <p>Kept exactly, quirks included:
 * <ul>
 *   <li>a label pixel outside [0, n) (255, VOC's ignore border) is left out;
 *   <li>an image whose prediction has another pixel count than its label is skipped (get_miou
 *       compares the flattened lengths, so a transposed prediction of the same count is compared
 *       pixel by pixel in row order);
 *   <li>a prediction value v &gt;= n is not refused: {@code np.bincount(n * label + pred)} counts it
 *       at flat index n * label + v, another cell of the matrix, and fails (the reshape to n x n)
 *       when that index reaches n * n; here the same cell is counted, the count of such pixels is
 *       kept for a warning, and the failure is an unusable input naming the file.
 * </ul>
 * Counts are longs (the reference sums in float64, exact below 2^53); one matrix per thread or
 * Spark task, summed with {@link #plus}.
 */
public final class SegmentationConfusion implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int classes;
    /** row-major n x n: label class, predicted value */
    private final long[] counts;
    private long images;
    /** the pair numbers (the order of the ground truth) of the images skipped, ascending */
    private long[] skipped = new long[0];
    private long ignoredLabelPixels;
    private long outOfRangePredictions;

    public SegmentationConfusion(int classes) {
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("a segmentation has 1 to 256 classes (8-bit masks), not " + classes);
        }
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    /**
     * Adds one image, or skips it when the prediction's pixel count differs from the label's.
     *
     * @param pair the image's number in the ground truth's order (what {@link #skipped} returns)
     * @param predictionName the prediction file, for the message when a value breaks the matrix
     * @return false when skipped
     * @throws InputUnusableException for a prediction value whose flat index n * label + value
     *     reaches n * n (where the reference fails)
     */
    public boolean add(long pair, LabelMap label, LabelMap prediction, String predictionName) {
        byte[] truth = label.pixels();
        byte[] predicted = prediction.pixels();
        if (truth.length != predicted.length) {
            int at = skipped.length;
            skipped = Arrays.copyOf(skipped, at + 1);
            skipped[at] = pair;
            return false;
        }
        int n = classes;
        int cells = n * n;
        long ignored = 0;
        long outOfRange = 0;
        for (int i = 0; i < truth.length; i++) {
            int a = truth[i] & 0xFF;
            if (a >= n) {
                ignored++;
                continue;
            }
            int b = predicted[i] & 0xFF;
            if (b >= n) {
                outOfRange++;
                if (n * a + b >= cells) {
                    throw new InputUnusableException(predictionName + ": pixel " + i % prediction.width() + ","
                            + i / prediction.width() + " predicts " + b + " where the label is " + a + ", but there "
                            + "are " + n + " classes (a prediction value must be below the class count; get_miou's "
                            + "fast_hist fails on this image too)");
                }
            }
            counts[n * a + b]++;
        }
        ignoredLabelPixels += ignored;
        outOfRangePredictions += outOfRange;
        images++;
        return true;
    }

    /** the sum of two partial matrices (of disjoint images) */
    public SegmentationConfusion plus(SegmentationConfusion other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("confusion matrices of " + classes + " and " + other.classes
                    + " classes cannot be added");
        }
        SegmentationConfusion sum = new SegmentationConfusion(classes);
        for (int i = 0; i < counts.length; i++) {
            sum.counts[i] = counts[i] + other.counts[i];
        }
        sum.images = images + other.images;
        long[] both = Arrays.copyOf(skipped, skipped.length + other.skipped.length);
        System.arraycopy(other.skipped, 0, both, skipped.length, other.skipped.length);
        Arrays.sort(both);
        sum.skipped = both;
        sum.ignoredLabelPixels = ignoredLabelPixels + other.ignoredLabelPixels;
        sum.outOfRangePredictions = outOfRangePredictions + other.outOfRangePredictions;
        return sum;
    }

    public int classes() {
        return classes;
    }

    /** the count of label class {@code row} predicted as {@code column} */
    public long count(int row, int column) {
        return counts[row * classes + column];
    }

    /** the matrix, rows label classes, columns predicted values */
    public long[][] matrix() {
        long[][] m = new long[classes][];
        for (int r = 0; r < classes; r++) {
            m[r] = Arrays.copyOfRange(counts, r * classes, (r + 1) * classes);
        }
        return m;
    }

    /** the images counted (not skipped) */
    public long images() {
        return images;
    }

    /** the numbers of the pairs skipped because the prediction's size differs, ascending */
    public long[] skipped() {
        return skipped.clone();
    }

    /** label pixels outside [0, n): 255 (ignore) and values of no class */
    public long ignoredLabelPixels() {
        return ignoredLabelPixels;
    }

    /** pixels predicted as a value &gt;= n (counted where the reference counts them, see the class comment) */
    public long outOfRangePredictions() {
        return outOfRangePredictions;
    }
}

package sparkdet.eval;

import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
    /** eight pixels of a mask as one long */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
        // masks are runs of one (label, prediction) pair: the loop only finds where a run ends,
        // eight pixels at a time where both masks go on unchanged, and each run is checked and
        // counted once (a count per pixel made every pixel wait on the previous one's increment of
        // the same cell: twice as slow)
        int length = truth.length;
        int run = 0;
        int previous = key(truth, predicted, 0);
        long truthWord = eightTimes(truth[0]);
        long predictedWord = eightTimes(predicted[0]);
        int i = 0;
        while (i < length) {
            if (i + Long.BYTES <= length && (long) WORDS.get(truth, i) == truthWord
                    && (long) WORDS.get(predicted, i) == predictedWord) {
                run += Long.BYTES;
                i += Long.BYTES;
                continue;
            }
            for (int end = Math.min(i + Long.BYTES, length); i < end; i++) {
                int k = key(truth, predicted, i);
                if (k != previous) {
                    count(previous, run, i - run, prediction, predictionName);
                    previous = k;
                    run = 0;
                    truthWord = eightTimes(truth[i]);
                    predictedWord = eightTimes(predicted[i]);
                }
                run++;
            }
        }
        count(previous, run, length - run, prediction, predictionName);
        images++;
        return true;
    }


    /** eight bytes of one value, as {@link #WORDS} reads them */
    private static long eightTimes(byte value) {
        return (value & 0xFFL) * 0x0101010101010101L;
    }

    /** a pixel's label value above its predicted value */
    private static int key(byte[] truth, byte[] predicted, int i) {
        return (truth[i] & 0xFF) << 8 | (predicted[i] & 0xFF);
    }

    /** a run of {@code length} pixels of one label and predicted value, from pixel {@code start} */
    private void count(int key, int length, int start, LabelMap prediction, String predictionName) {
        int a = key >>> 8;
        int b = key & 0xFF;
        int n = classes;
        if (a < n && b < n) {
            counts[n * a + b] += length;
        } else {
            countOutside(a, b, length, start, prediction, predictionName);
        }
    }

    /** a run whose label is no class (left out) or whose prediction is none (see the class comment) */
    private void countOutside(int a, int b, int length, int start, LabelMap prediction, String predictionName) {
        int n = classes;
        if (a >= n) {
            ignoredLabelPixels += length;
            return;
        }
        if (b >= n) {
            outOfRangePredictions += length;
            if (n * a + b >= n * n) {
                throw new InputUnusableException(predictionName + ": pixel " + start % prediction.width() + ","
                        + start / prediction.width() + " predicts " + b + " where the label is " + a + ", but there "
                        + "are " + n + " classes (a prediction value must be below the class count; get_miou's "
                        + "fast_hist fails on this image too)");
            }
        }
        counts[n * a + b] += length;
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

package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import sparkdet.image.LabelMap;
import sparkdet.io.InputUnusableException;

/**
 * The reference's fast_hist and numpy's mean where the golden cases do not reach: the numbers
 * below are what numpy 2.4 prints for the same arrays.
 */
class SegmentationConfusionTest {
    private static LabelMap row(int... values) {
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            pixels[i] = (byte) values[i];
        }
        return new LabelMap(values.length, 1, pixels);
    }

    /**
     * fast_hist(np.array([0,0,1,255,2]), np.array([4,0,1,7,2]), 3) is [[1,0,0],[0,2,0],[0,0,1]]:
     * the 4 predicted for label 0 lands at flat index 4 (row 1, column 1), 255 is left out
     */
    @Test
    void predictionValuesOfNoClassLandWhereBincountPutsThem() {
        SegmentationConfusion c = new SegmentationConfusion(3);
        assertThat(c.add(0, row(0, 0, 1, 255, 2), row(4, 0, 1, 7, 2), "p.png")).isTrue();
        assertThat(c.matrix()).isDeepEqualTo(new long[][] {{1, 0, 0}, {0, 2, 0}, {0, 0, 1}});
        assertThat(c.outOfRangePredictions()).isEqualTo(1);
        assertThat(c.ignoredLabelPixels()).isEqualTo(1);
    }

    /** fast_hist(np.array([2]), np.array([3]), 3) raises "cannot reshape array of size 10 into shape (3,3)" */
    @Test
    void aPredictionPastTheMatrixIsRefusedWhereTheReferenceFails() {
        SegmentationConfusion c = new SegmentationConfusion(3);
        assertThatThrownBy(() -> c.add(0, row(0, 2), row(0, 3), "masks/x.png"))
                .isInstanceOf(InputUnusableException.class).hasMessageContaining("masks/x.png")
                .hasMessageContaining("pixel 1,0 predicts 3 where the label is 2, but there are 3 classes");
    }

    /** get_miou compares flattened lengths: a transposed prediction is compared in row order, another count skipped */
    @Test
    void onlyAnotherPixelCountIsSkipped() {
        SegmentationConfusion c = new SegmentationConfusion(2);
        LabelMap wide = new LabelMap(3, 2, new byte[] {0, 1, 1, 0, 0, 1});
        LabelMap tall = new LabelMap(2, 3, new byte[] {0, 1, 0, 0, 1, 1});
        assertThat(c.add(7, wide, tall, "t.png")).isTrue();
        assertThat(c.matrix()).isDeepEqualTo(new long[][] {{2, 1}, {1, 2}});
        assertThat(c.add(9, wide, row(0, 1), "s.png")).isFalse();
        SegmentationConfusion other = new SegmentationConfusion(2);
        other.add(3, row(1), row(0, 0), "u.png");
        SegmentationConfusion sum = c.plus(other);
        assertThat(sum.skipped()).containsExactly(3, 9);
        assertThat(sum.images()).isEqualTo(1);
    }

    /**
     * np.mean([1/(k+3) for k in range(n)]): 0.1063948338612781 for 21 values (one block of eight
     * running sums) and 0.01596432465904621 for 300 (halved), where a plain loop gives
     * 0.10639483386127808 and 0.015964324659046188
     */
    @Test
    void meansAreNumpysToTheLastBit() {
        assertThat(SegmentationMetrics.numpyMean(reciprocals(21))).isEqualTo(0.1063948338612781);
        assertThat(SegmentationMetrics.numpyMean(reciprocals(300))).isEqualTo(0.01596432465904621);
    }

    private static double[] reciprocals(int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = 1.0 / (k + 3);
        }
        return v;
    }

    /** every divisor is at least 1: a class never labelled nor predicted is 0, not NaN, and counts in the means */
    @Test
    void aClassNeverSeenCountsZero() {
        SegmentationConfusion c = new SegmentationConfusion(3);
        c.add(0, row(0, 1, 1, 0), row(0, 1, 0, 0), "p.png");
        SegmentationMetrics m = SegmentationMetrics.of(c);
        assertThat(m.iou()).containsExactly(2.0 / 3, 0.5, 0.0);
        assertThat(m.recall()).containsExactly(1.0, 0.5, 0.0);
        assertThat(m.precision()).containsExactly(2.0 / 3, 1.0, 0.0);
        assertThat(m.mIoU()).isEqualTo((2.0 / 3 + 0.5) / 3);
        assertThat(m.accuracy()).isEqualTo(0.75);
    }
}

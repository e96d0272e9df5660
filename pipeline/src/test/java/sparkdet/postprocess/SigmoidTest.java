package sparkdet.postprocess;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The YOLO decoders skip a cell by its raw objectness logit before any exp: never one the exact test keeps. */
class SigmoidTest {
    @Test
    void theLogitShortcutKeepsEveryCellTheSigmoidKeeps() {
        for (double threshold : new double[] {1e-5, 0.001, 0.05, 0.25, 0.5, 0.75, 0.999, 1 - 1e-7}) {
            float floor = Sigmoid.logitBelow(threshold);
            double exact = Math.log(threshold / (1 - threshold));
            // the sigmoid is monotone: if the float just under the floor is below the threshold, all below are
            assertThat((double) Sigmoid.of(Math.nextDown(floor))).as("threshold %s", threshold).isLessThan(threshold);
            // and it does skip: below the threshold's own logit by 0.2 is under the floor (for the
            // thresholds people use; near 1 the float sigmoid's rounding needs a wider margin)
            if (threshold <= 0.999) {
                assertThat(floor).as("threshold %s", threshold).isGreaterThan((float) (exact - 0.2));
            }
        }
        assertThat(Sigmoid.logitBelow(0)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Sigmoid.logitBelow(1e-7)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Sigmoid.logitBelow(1)).isEqualTo(Float.NEGATIVE_INFINITY);
    }
}

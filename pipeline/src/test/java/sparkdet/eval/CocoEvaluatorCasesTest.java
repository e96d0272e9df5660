package sparkdet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Hand-worked cases for what the golden files do not isolate: ties in scores, no detections,
 * images without ground truth, categories without ground truth, more than 100 detections.
 * One category (id 7), boxes of 10x10 (area 100: small), exact matches (IoU 1).
 */
class CocoEvaluatorCasesTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-12);
    private static final double EPS = Math.ulp(1.0);

    private static CocoMetrics run(int images, BoxTable gt, BoxTable dt) {
        CocoEvaluator e = new CocoEvaluator(images, new long[] {7, 9});
        e.evaluate(gt, dt);
        return e.summarize();
    }

    private static void gt(BoxTable t, int image, double x) {
        t.addXywh(image, 0, x, 0, 10, 10, 100, 0, false, false);
    }

    private static void det(BoxTable t, int image, double x, double score) {
        t.addXywh(image, 0, x, 0, 10, 10, 100, score, false, false);
    }

    @Test
    void equalScoresKeepFileOrder() {
        BoxTable g = new BoxTable();
        gt(g, 0, 0);
        gt(g, 0, 20);
        BoxTable fpFirst = new BoxTable();
        det(fpFirst, 0, 200, 0.5);
        det(fpFirst, 0, 20, 0.5);
        det(fpFirst, 0, 0, 0.5);
        // FP, TP, TP: precision 0, 1/2, 2/3 -> envelope 2/3 everywhere
        CocoMetrics m = run(1, g, fpFirst);
        assertThat(m.stats()[0]).isCloseTo(2 / (3 + EPS), EXACT);
        assertThat(m.stats()[3]).as("APs").isCloseTo(2 / (3 + EPS), EXACT);
        assertThat(m.stats()[4]).as("APm: no ground truth in range").isEqualTo(-1);
        BoxTable fpLast = new BoxTable();
        det(fpLast, 0, 20, 0.5);
        det(fpLast, 0, 0, 0.5);
        det(fpLast, 0, 200, 0.5);
        assertThat(run(1, g, fpLast).stats()[0]).isCloseTo(2 / (2 + EPS), EXACT);
        assertThat(m.perCategory()).containsOnlyKeys(7L);
    }

    @Test
    void noDetectionsGiveZeroNotMinusOne() {
        BoxTable g = new BoxTable();
        gt(g, 0, 0);
        CocoMetrics m = run(1, g, new BoxTable());
        assertThat(m.stats()[0]).isZero();
        assertThat(m.stats()[8]).as("AR100").isZero();
    }

    @Test
    void detectionsOnImagesWithoutGroundTruthAreFalsePositives() {
        BoxTable g = new BoxTable();
        gt(g, 0, 0);
        BoxTable d = new BoxTable();
        det(d, 0, 0, 0.9);
        det(d, 1, 0, 0.95);
        // FP then TP: precision 0, 1/2 -> envelope 1/2 up to recall 1
        assertThat(run(2, g, d).stats()[0]).isCloseTo(1 / (2 + EPS), EXACT);
    }

    @Test
    void aCategoryWithDetectionsButNoGroundTruthIsLeftOut() {
        BoxTable g = new BoxTable();
        gt(g, 0, 0);
        BoxTable d = new BoxTable();
        det(d, 0, 0, 0.9);
        d.addXywh(0, 1, 50, 50, 10, 10, 100, 0.99, false, false);
        CocoMetrics m = run(1, g, d);
        assertThat(m.stats()[0]).isCloseTo(1 / (1 + EPS), EXACT);
        assertThat(m.perCategory()).containsOnlyKeys(7L);
    }

    @Test
    void onlyTheHundredBestDetectionsOfAnImageCount() {
        BoxTable g = new BoxTable();
        gt(g, 0, 0);
        BoxTable late = new BoxTable();
        for (int i = 0; i < 100; i++) {
            det(late, 0, 1000 + 20 * i, 0.9 - i * 0.001);
        }
        det(late, 0, 0, 0.1);
        CocoMetrics m = run(1, g, late);
        assertThat(m.stats()[0]).as("the match is the 101st detection").isZero();
        assertThat(m.stats()[8]).isZero();
        BoxTable early = new BoxTable();
        det(early, 0, 0, 0.95);
        for (int i = 0; i < 150; i++) {
            det(early, 0, 1000 + 20 * i, 0.9 - i * 0.001);
        }
        CocoMetrics e = run(1, g, early);
        assertThat(e.stats()[0]).isCloseTo(1 / (1 + EPS), EXACT);
        assertThat(e.stats()[6]).as("AR1").isEqualTo(1.0);
    }

    @Test
    void crowdGroundTruthAbsorbsDetectionsAndIsNeverMissed() {
        BoxTable g = new BoxTable();
        gt(g, 0, 0);
        g.addXywh(0, 0, 100, 0, 50, 50, 2500, 0, true, false);
        BoxTable d = new BoxTable();
        det(d, 0, 0, 0.5);
        det(d, 0, 110, 0.9);
        det(d, 0, 130, 0.8);
        // both detections inside the crowd region match it (intersection over detection area = 1)
        // and are ignored; the crowd is not a positive: one TP over one positive
        CocoMetrics m = run(1, g, d);
        assertThat(m.stats()[0]).isCloseTo(1 / (1 + EPS), EXACT);
        assertThat(m.stats()[8]).isEqualTo(1.0);
    }
}

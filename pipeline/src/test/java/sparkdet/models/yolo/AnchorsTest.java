package sparkdet.models.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import sparkdet.model.TestModels;

class AnchorsTest {
    private static final float[][] CENTRES = {{12, 16}, {30, 28}, {45, 90}, {100, 70}, {160, 200}, {360, 300}};

    /** boxes scattered by up to +-8% around six known sizes: k-means finds the six sizes again, sorted by area */
    @Test
    void kmeansRecoversKnownCentres() {
        float[][] boxes = scattered(new Random(7));
        float[][] anchors = Anchors.kmeans(boxes, 6, 42);
        for (int c = 0; c < 6; c++) {
            assertThat((double) anchors[c][0]).as("anchor %d width", c).isCloseTo(CENTRES[c][0], within(CENTRES[c][0] * 0.04));
            assertThat((double) anchors[c][1]).as("anchor %d height", c).isCloseTo(CENTRES[c][1], within(CENTRES[c][1] * 0.04));
        }
        assertThat(Anchors.meanBestIou(boxes, anchors)).isGreaterThan(0.85);
        assertThat(Anchors.meanBestIou(boxes, anchors)).isGreaterThan(Anchors.meanBestIou(boxes, TestModels.defaultAnchors()));
    }

    @Test
    void kmeansIsDeterministicForASeed() {
        float[][] boxes = scattered(new Random(8));
        assertThat(Anchors.kmeans(boxes, 6, 5)).isDeepEqualTo(Anchors.kmeans(boxes, 6, 5));
    }

    @Test
    void defaultsAreTheRepositorysSortedByArea() {
        float[][] d = TestModels.defaultAnchors();
        assertThat(d).isDeepEqualTo(new float[][] {{10, 14}, {23, 27}, {37, 58}, {81, 82}, {135, 169}, {344, 319}});
        for (int i = 1; i < d.length; i++) {
            assertThat(d[i][0] * d[i][1]).isGreaterThan(d[i - 1][0] * d[i - 1][1]);
        }
    }

    @Test
    void tooFewBoxesIsAClearError() {
        assertThatThrownBy(() -> Anchors.kmeans(new float[][] {{1, 2}}, 6, 0)).hasMessageContaining("at least 6 boxes, got 1");
    }

    private static float[][] scattered(Random random) {
        float[][] boxes = new float[6 * 150][];
        for (int i = 0; i < boxes.length; i++) {
            float[] c = CENTRES[i % 6];
            boxes[i] = new float[] {c[0] * (0.92f + 0.16f * random.nextFloat()), c[1] * (0.92f + 0.16f * random.nextFloat())};
        }
        return boxes;
    }
}

package sparkdet.models.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.model.Loss;
import sparkdet.model.Network;
import sparkdet.model.Targets;
import sparkdet.model.TestModels;
import sparkdet.model.TrainingStep;

class YoloLossTest {
    private static final int[][] MASK = {{3, 4, 5}, {1, 2, 3}};
    private static final float[][][] BOXES = {
        {{4, 6, 30, 40, 2}, {20, 22, 60, 50, 0}, {33, 1, 44, 9, 1}},
        {{10, 10, 54, 58, 1}},
    };

    private static YoloLoss loss(int size, double labelSmoothing) {
        return new YoloLoss(TestModels.defaultAnchors(), MASK, 3, size, size, labelSmoothing);
    }

    /**
     * On the PyTorch fixture's outputs for a 64x64 batch of two, the loss equals the value that
     * bubbliiiing/yolov4-tiny-pytorch's YOLOLoss (nets/yolo_training.py) gives for the same boxes,
     * summed over both scales as its fit loop does, and so do the gradients with respect to the
     * outputs (sums of their absolute values); expected numbers computed once with that code and
     * Debian's PyTorch 1.13.
     */
    @Test
    void equalsTheRepositorysLossAndGradientsOnFixtureOutputs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(Fixtures.IO);
            Tensor out0 = io.get("out0").requires_grad_(true);
            Tensor out1 = io.get("out1").requires_grad_(true);
            Loss.Value v = loss(64, 0).compute(new Tensor[] {out0, out1}, new Targets(BOXES));
            assertThat((double) v.value()).isCloseTo(0.7919474840164185, within(2e-6));
            assertThat(v.loss().item_float()).isEqualTo(v.value());
            v.loss().backward();
            assertThat(out0.grad().abs().sum().item_double()).isCloseTo(0.02527914196252823, within(1e-8));
            assertThat(out1.grad().abs().sum().item_double()).isCloseTo(0.06886999309062958, within(1e-8));
        }
    }

    @Test
    void labelSmoothingMovesTheClassTargets() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(Fixtures.IO);
            Tensor[] out = {io.get("out0"), io.get("out1")};
            assertThat(loss(64, 0.1).compute(out, new Targets(BOXES)).value()).isNotEqualTo(loss(64, 0).compute(out, new Targets(BOXES)).value());
        }
    }

    /**
     * The loss of a tiny batch is finite and positive and falls steadily when the small model is
     * trained on that batch alone with SGD (an overfit check of loss and gradients together);
     * an image without boxes contributes objectness only.
     */
    @Test
    void overfitsATinyBatch() {
        torch.manual_seed(11);
        Network model = TestModels.network(3, 0.25);
        float[] images = new float[3 * 3 * 96 * 96];
        Random random = new Random(11);
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextFloat();
        }
        float[][][] boxes = {
            {{8, 10, 40, 50, 0}, {50, 30, 90, 70, 2}},
            {{20, 20, 80, 88, 1}},
            {},
        };
        TrainingStep step = new TrainingStep(model, loss(96, 0), TrainingStep.Kind.SGD, 0.02, 0.9, 0);
        float first = step.train(images, 96, 96, new Targets(boxes));
        float last = first;
        for (int i = 1; i < 20; i++) {
            last = step.train(images, 96, 96, new Targets(boxes));
            assertThat(last).isFinite().isPositive();
        }
        System.out.printf("overfit: loss %.4f -> %.4f in 20 steps%n", first, last);
        assertThat(last).isLessThan(first * 0.6f);
    }

    /**
     * Anchor 0 (10x14) is in no mask: an 8x8 box goes to the best anchor that is, 1 (23x27), at P4.
     * Anchor 3 (81x82) is in both masks: an 80x80 box is a target at both scales.
     */
    @Test
    void targetsFollowTheAnchorMask() {
        float[][] anchors = TestModels.defaultAnchors();
        float[][][] small = {{{100, 100, 108, 108, 0}}};
        assertThat(YoloTargets.bestAnchor(8, 8, anchors, MASK)).isEqualTo(1);
        assertThat(YoloTargets.build(small, anchors, MASK, 0, 3, 13, 13, 416, 416).count()).isZero();
        YoloTargets p4 = YoloTargets.build(small, anchors, MASK, 1, 3, 26, 26, 416, 416);
        assertThat(p4.cells).containsExactly((0L * 26 + 6) * 26 + 6);
        assertThat(p4.boxes).containsExactly(6.5f, 6.5f, 0.5f, 0.5f);
        float[][][] mid = {{{0, 0, 80, 80, 2}}};
        YoloTargets p5 = YoloTargets.build(mid, anchors, MASK, 0, 3, 13, 13, 416, 416);
        assertThat(p5.cells).containsExactly((0L * 13 + 1) * 13 + 1);
        assertThat(p5.classes).containsExactly(0, 0, 1);
        assertThat(YoloTargets.build(mid, anchors, MASK, 1, 3, 26, 26, 416, 416).cells)
                .containsExactly((2L * 26 + 2) * 26 + 2);
    }

    @Test
    void boxesOutsideTheClassRangeAreRejected() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] out = {torch.zeros(1, 24, 2, 2), torch.zeros(1, 24, 4, 4)};
            float[][][] bad = {{{1, 1, 10, 10, 3}}};
            assertThatThrownBy(() -> loss(64, 0).compute(out, new Targets(bad)))
                    .hasMessageContaining("image 0 box 0").hasMessageContaining("[0, 3)");
        }
    }
}

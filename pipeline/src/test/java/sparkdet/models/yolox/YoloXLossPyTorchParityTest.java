package sparkdet.models.yolox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import sparkdet.model.Loss;
import sparkdet.model.Targets;
import sparkdet.model.Torch;

/**
 * The loss and its gradients against the reference's YOLOLoss written out in PyTorch
 * (scripts/make_yolox_fixture.py, checked there against the repository's own at full 's' size): the
 * fixture network's float64 train-mode outputs for three 64 x 64 pictures and the boxes below, which
 * exercise overlapping boxes competing for anchor points, a 2 x 2 box, a box over the whole input
 * and a picture without boxes.
 */
class YoloXLossPyTorchParityTest {
    static final float[][][] BOXES = {
        {{4, 6, 30, 40, 2}, {20, 22, 60, 50, 0}, {33, 1, 44, 9, 1}, {21, 23, 61, 49, 1}},
        {{10, 10, 54, 58, 1}, {0, 0, 64, 64, 2}, {31, 31, 33, 33, 0}, {34, 18, 38, 22, 2}},
        {},
    };
    private static final int[] STRIDES = {8, 16, 32};

    @Test
    void lossAndItsGradientsWithRespectToTheOutputsEqualPyTorchs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = XFixtures.tensors(XFixtures.IO);
            Tensor[] outputs = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                outputs[i] = io.get("train_out" + i).clone().requires_grad_(true);
            }
            YoloXLoss loss = new YoloXLoss(XFixtures.CLASSES, STRIDES, XFixtures.SIZE, XFixtures.SIZE);
            Loss.Value value = loss.compute(outputs, new Targets(BOXES));
            double expected = io.get("loss").item_double();
            double actual = value.loss().item_double();
            System.out.printf("loss: Java %.12f, PyTorch %.12f, |difference| %.3g (%d foreground)%n", actual, expected,
                    Math.abs(actual - expected), io.get("num_fg").item_long());
            assertThat(Math.abs(actual - expected)).isLessThan(1e-4);
            assertThat((double) value.value()).isCloseTo(expected, within(1e-5 * expected));
            value.loss().backward();
            for (int i = 0; i < 3; i++) {
                Tensor grad = outputs[i].grad();
                double sum = grad.sum().item_double();
                double abs = grad.abs().sum().item_double();
                double expectedSum = io.get("grad_sum." + i).item_double();
                double expectedAbs = io.get("grad_abs_sum." + i).item_double();
                System.out.printf("output %d: gradient sum %.9g (|Java - PyTorch| %.3g), |gradient| sum %.9g (%.3g)%n", i,
                        sum, Math.abs(sum - expectedSum), abs, Math.abs(abs - expectedAbs));
                assertThat(Math.abs(sum - expectedSum)).as("gradient sum of output %d", i).isLessThan(1e-4);
                assertThat(Math.abs(abs - expectedAbs)).as("|gradient| sum of output %d", i).isLessThan(1e-4);
            }
        }
    }

    @Test
    void aBatchWithoutBoxesLearnsOnlyThatThereIsNoObject() {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] outputs = {zeros(2, 8, 8, 8), zeros(2, 8, 4, 4), zeros(2, 8, 2, 2)};
            Loss.Value value = new YoloXLoss(3, STRIDES, 64, 64).compute(outputs, new Targets(new float[][][] {{}, {}}));
            // every anchor point's objectness at logit 0 against 0: ln 2 each, divided by max(0, 1)
            assertThat((double) value.value()).isCloseTo(2 * (64 + 16 + 4) * Math.log(2), within(1e-4));
        }
    }

    @Test
    void refusesInputsOffTheStrideOutputsOfAnotherShapeAndDegenerateBoxes() {
        assertThatThrownBy(() -> new YoloXLoss(3, STRIDES, 64, 80)).hasMessageContaining("multiples of 32");
        try (PointerScope scope = new PointerScope()) {
            YoloXLoss loss = new YoloXLoss(3, STRIDES, 64, 64);
            Tensor[] outputs = {zeros(1, 8, 8, 8), zeros(1, 8, 4, 4), zeros(1, 8, 2, 2)};
            assertThatThrownBy(() -> loss.compute(outputs, new Targets(new float[][][] {{{5, 5, 5, 9, 0}}})))
                    .hasMessageContaining("x1 < x2");
            assertThatThrownBy(() -> loss.compute(outputs, new Targets(new float[][][] {{{1, 1, 5, 9, 3}}})))
                    .hasMessageContaining("class in [0, 3)");
            Tensor[] wrong = {zeros(1, 9, 8, 8), zeros(1, 9, 4, 4), zeros(1, 9, 2, 2)};
            assertThatThrownBy(() -> loss.compute(wrong, new Targets(new float[][][] {{}})))
                    .hasMessageContaining("expected [N, 5 + 3, 8, 8]");
        }
    }

    /** a zero tensor, libtorch loaded first (as YoloXVariant#newModel does) */
    private static Tensor zeros(long... shape) {
        Torch.load();
        return org.bytedeco.pytorch.global.torch.zeros(shape);
    }
}

package sparkdet.models.yolov5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import sparkdet.model.Loss;
import sparkdet.model.Targets;
import org.junit.jupiter.api.Test;
import sparkdet.model.Torch;

/**
 * The loss, its targets and its gradients against the reference's YOLOLoss and get_target written
 * out in PyTorch (scripts/make_yolov5_fixture.py, checked there against the repository's own at full
 * 's' size): the fixture network in float64 and train mode, three 64 x 64 pictures, the boxes below.
 * They exercise a box matching no anchor below the ratio 4 (the 2 x 2 one: its best anchor all the
 * same), centres exactly on a cell's half, neighbours outside the grid, two boxes on the same cells
 * (the one of smaller ratio wins) and a picture without boxes.
 */
class YoloV5LossPyTorchParityTest {
    static final float[][][] BOXES = {
        {{4, 6, 30, 40, 2}, {20, 22, 60, 50, 0}, {33, 1, 44, 9, 1}, {21, 23, 61, 49, 1}},
        {{10, 10, 54, 58, 1}, {0, 0, 64, 64, 2}, {31, 31, 33, 33, 0}, {34, 18, 38, 22, 2}},
        {},
    };
    private static final String[] GRADS = {"backbone.stem.conv.conv.weight", "backbone.dark3.1.m.0.cv2.bn.weight",
        "backbone.dark5.1.cv2.conv.weight", "conv3_for_downsample2.cv3.bn.bias", "yolo_head_P3.weight",
        "yolo_head_P4.bias", "yolo_head_P5.weight"};

    @Test
    void targetCountsPerScaleEqualTheReferences() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Tensor expected = V5Fixtures.tensors(V5Fixtures.IO).get("positives");
            int[] grid = {2, 4, 8};
            for (int l = 0; l < 3; l++) {
                YoloV5Targets t = YoloV5Targets.build(BOXES, YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(), l,
                        V5Fixtures.CLASSES, grid[l], grid[l], V5Fixtures.SIZE, V5Fixtures.SIZE);
                assertThat(t.count()).as("targets of output %d", l).isEqualTo(expected.get(l).item_long());
            }
        }
    }

    @Test
    void lossAndGradientsEqualPyTorchs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = V5Fixtures.tensors(V5Fixtures.IO);
            YoloV5 model = V5Fixtures.model();
            model.to(ScalarType.Double, false);
            model.train(true);
            Tensor[] outputs = model.forward(io.get("input").toType(ScalarType.Double));
            YoloV5Loss loss = new YoloV5Loss(YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(), V5Fixtures.CLASSES,
                    V5Fixtures.SIZE, V5Fixtures.SIZE, 0);
            try (NoGradGuard noGrad = new NoGradGuard()) {
                for (int l = 0; l < 3; l++) {
                    double part = loss.scaleLoss(l, outputs[l], BOXES).item_double();
                    double expected = io.get("loss" + l).item_double();
                    System.out.printf("loss of output %d: Java %.12f, PyTorch %.12f, |difference| %.3g%n", l, part,
                            expected, Math.abs(part - expected));
                    assertThat(Math.abs(part - expected)).as("loss of output %d", l).isLessThan(1e-4);
                }
                YoloV5Loss smoothed = new YoloV5Loss(YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(),
                        V5Fixtures.CLASSES, V5Fixtures.SIZE, V5Fixtures.SIZE, 0.1);
                double s = smoothed.compute(outputs, new Targets(BOXES)).loss().item_double();
                System.out.printf("loss with label smoothing 0.1: Java %.12f, PyTorch %.12f%n", s,
                        io.get("loss_smooth").item_double());
                assertThat(Math.abs(s - io.get("loss_smooth").item_double())).isLessThan(1e-4);
            }
            Loss.Value value = loss.compute(outputs, new Targets(BOXES));
            double expected = io.get("loss").item_double();
            System.out.printf("loss: Java %.12f, PyTorch %.12f, |difference| %.3g%n", value.loss().item_double(), expected,
                    Math.abs(value.loss().item_double() - expected));
            assertThat(Math.abs(value.loss().item_double() - expected)).isLessThan(1e-4);
            assertThat((double) value.value()).isCloseTo(expected, within(1e-6));
            value.loss().backward();
            Map<String, Tensor> params = model.namedParameters();
            for (String name : GRADS) {
                Tensor grad = params.get(name).grad();
                double sum = grad.sum().item_double();
                double abs = grad.abs().sum().item_double();
                double expectedSum = io.get("grad_sum." + name).item_double();
                double expectedAbs = io.get("grad_abs_sum." + name).item_double();
                System.out.printf("%s: gradient sum %.9g (|Java - PyTorch| %.3g), |gradient| sum %.9g (%.3g)%n", name,
                        sum, Math.abs(sum - expectedSum), abs, Math.abs(abs - expectedAbs));
                assertThat(Math.abs(sum - expectedSum)).as("gradient sum of %s", name).isLessThan(1e-4);
                assertThat(Math.abs(abs - expectedAbs)).as("|gradient| sum of %s", name).isLessThan(1e-4);
            }
        }
    }

    @Test
    void refusesInputsOffTheStrideAndDegenerateBoxes() {
        assertThatThrownBy(() -> new YoloV5Loss(YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(), 3, 64, 80, 0))
                .hasMessageContaining("multiples of 32");
        try (PointerScope scope = new PointerScope()) {
            YoloV5Loss loss = new YoloV5Loss(YoloV5Loss.defaultAnchors(), YoloV5Loss.defaultMask(), 3, 64, 64, 0);
            Tensor[] outputs = {zeros(1, 24, 2, 2), zeros(1, 24, 4, 4), zeros(1, 24, 8, 8)};
            assertThatThrownBy(() -> loss.compute(outputs, new Targets(new float[][][] {{{5, 5, 5, 9, 0}}})))
                    .hasMessageContaining("x1 < x2");
            assertThatThrownBy(() -> loss.compute(outputs, new Targets(new float[][][] {{{1, 1, 5, 9, 3}}})))
                    .hasMessageContaining("class in [0, 3)");
        }
    }

    /** a zero tensor, libtorch loaded first (as YoloV5Variant#newModel does) */
    private static Tensor zeros(long... shape) {
        Torch.load();
        return org.bytedeco.pytorch.global.torch.zeros(shape);
    }
}

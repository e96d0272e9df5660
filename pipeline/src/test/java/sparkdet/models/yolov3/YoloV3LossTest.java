package sparkdet.models.yolov3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.model.Fixtures;
import sparkdet.model.Loss;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Targets;
import sparkdet.model.Task;
import sparkdet.model.TrainingStep;
import sparkdet.models.yolo.YoloLoss;
import sparkdet.transforms.Resize;

/**
 * The family's loss is bubbliiiing/yolo3-pytorch's YOLOLoss (nets/yolo_training.py): the shared
 * YoloLoss with the GIoU box term. Expected numbers printed by scripts/make_yolov3_fixture.py with
 * YOLOV3_REFERENCE set, from the repository's own class on the fixture's outputs (Debian's PyTorch 1.13).
 */
class YoloV3LossTest {
    private static final float[][][] BOXES = {
        {{4, 6, 30, 40, 2}, {20, 22, 60, 50, 0}, {33, 1, 44, 9, 1}, {2, 40, 12, 62, 0}},
        {{10, 10, 54, 58, 1}},
    };

    @Test
    void equalsTheRepositorysLossAndGradientsOnFixtureOutputs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(YoloV3PyTorchParityTest.IO);
            Tensor[] out = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                out[i] = io.get("out" + i).requires_grad_(true);
            }
            Loss loss = new YoloV3Family().newLoss(spec(), 0);
            Loss.Value v = loss.compute(out, new Targets(BOXES));
            System.out.printf("loss: Java %.9g, PyTorch %.9g%n", v.value(), 0.62164253);
            assertThat((double) v.value()).isCloseTo(0.62164253, within(2e-6));
            v.loss().backward();
            double[] grads = {0.02448884025, 0.08725710213, 0.2919187248};
            for (int i = 0; i < 3; i++) {
                double g = out[i].grad().abs().sum().item_double();
                System.out.printf("grad abs sum out%d: Java %.9g, PyTorch %.9g%n", i, g, grads[i]);
                assertThat(g).as("out%d", i).isCloseTo(grads[i], within(1e-6));
            }
            // and YOLOv4-tiny's CIoU box term would give another value: the families' losses differ
            Loss ciou = new YoloLoss(new YoloV3Family().defaultOptions(1).anchors(), new YoloV3Family().defaultOptions(1).anchorsMask(),
                    3, 64, 64, 0);
            assertThat((double) ciou.compute(out, new Targets(BOXES)).value()).isNotCloseTo(0.62164253, within(1e-4));
        }
    }

    /**
     * The family's fresh network and loss together: the loss of a tiny batch falls steadily when the
     * small YOLOv3 (width 1/16) is trained on it alone with SGD; an image without boxes contributes
     * objectness only.
     */
    @Test
    void theFamilysNetworkAndLossOverfitATinyBatch() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            YoloV3Family family = new YoloV3Family();
            ModelSpec spec = spec();
            Network model = family.newNetwork(spec);
            float[] images = new float[3 * 3 * 64 * 64];
            Random random = new Random(11);
            for (int i = 0; i < images.length; i++) {
                images[i] = random.nextFloat();
            }
            float[][][] boxes = {BOXES[0], BOXES[1], {}};
            TrainingStep step = new TrainingStep(model, family.newLoss(spec, 0), TrainingStep.Kind.SGD, 0.02, 0.9, 0);
            float first = step.train(images, 64, 64, new Targets(boxes));
            float last = first;
            for (int i = 1; i < 20; i++) {
                last = step.train(images, 64, 64, new Targets(boxes));
                assertThat(last).isFinite().isPositive();
            }
            System.out.printf("overfit: loss %.4f -> %.4f in 20 steps%n", first, last);
            // 0.548 -> 0.387 here: the deeper network with weights_init gain 0.02 moves slower than YOLOv4-tiny
            assertThat(last).isLessThan(first * 0.8f);
        }
    }

    private static ModelSpec spec() {
        return new ModelSpec(YoloV3Family.ARCHITECTURE, "darknet53", Task.DETECT, new ClassList(List.of("a", "b", "c")),
                64, 64, PixelFormat.unit(), Resize.LETTERBOX, new YoloV3Family().defaultOptions(0.0625));
    }
}

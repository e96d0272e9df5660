package sparkdet.models.yolov4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.YoloLoss;
import sparkdet.transforms.Resize;

/**
 * The family's loss is bubbliiiing/yolov4-pytorch's YOLOLoss (nets/yolo_training.py) as its train.py
 * sets it: the shared YoloLoss with the CIoU box term; and with its focal objectness term when asked.
 * Expected numbers printed by scripts/make_yolov4_fixture.py with YOLOV4_REFERENCE set, from the
 * repository's own class on the fixture's outputs (Debian's PyTorch 1.13).
 */
class YoloV4LossTest {
    private static final float[][][] BOXES = {
        {{4, 6, 30, 40, 2}, {20, 22, 60, 50, 0}, {33, 1, 44, 9, 1}, {2, 40, 12, 62, 0}},
        {{10, 10, 54, 58, 1}},
    };

    @Test
    void equalsTheRepositorysLossAndGradientsOnFixtureOutputs() throws Exception {
        expectReference(new YoloV4Family().newLoss(spec(), 0), 0.4780826569,
                new double[] {0.02613244951, 0.0874799192, 0.2465762347});
    }

    @Test
    void withFocalLossEqualsTheRepositorysFocalLossAndGradients() throws Exception {
        AnchorOptions o = new YoloV4Family().defaultOptions(YoloV4PyTorchParityTest.WIDTH);
        Loss focal = new YoloLoss(o.anchors(), o.anchorsMask(), 3, 64, 64, 0, YoloLoss.BoxIou.CIOU,
                Optional.of(YoloLoss.FocalLoss.REFERENCE));
        expectReference(focal, 0.6936475039, new double[] {0.1471268982, 0.2576909661, 0.7108246088});
    }

    private static void expectReference(Loss loss, double expected, double[] gradAbsSums) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> io = Fixtures.tensors(YoloV4PyTorchParityTest.IO);
            Tensor[] out = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                out[i] = io.get("out" + i).requires_grad_(true);
            }
            Loss.Value v = loss.compute(out, new Targets(BOXES));
            System.out.printf("loss: Java %.9g, PyTorch %.9g%n", v.value(), expected);
            assertThat((double) v.value()).isCloseTo(expected, within(2e-6));
            v.loss().backward();
            for (int i = 0; i < 3; i++) {
                double g = out[i].grad().abs().sum().item_double();
                System.out.printf("grad abs sum out%d: Java %.9g, PyTorch %.9g%n", i, g, gradAbsSums[i]);
                assertThat(g).as("out%d", i).isCloseTo(gradAbsSums[i], within(1e-6));
            }
        }
    }

    /**
     * The family's fresh network and loss together: the loss of a tiny batch falls steadily when the
     * small YOLOv4 (width 1/16) is trained on it alone with SGD; an image without boxes contributes
     * objectness only.
     */
    @Test
    void theFamilysNetworkAndLossOverfitATinyBatch() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            YoloV4Family family = new YoloV4Family();
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
            assertThat(last).isLessThan(first * 0.8f);
        }
    }

    private static ModelSpec spec() {
        return new ModelSpec(YoloV4Family.ARCHITECTURE, "cspdarknet53", Task.DETECT, new ClassList(List.of("a", "b", "c")),
                64, 64, PixelFormat.unit(), Resize.LETTERBOX, new YoloV4Family().defaultOptions(YoloV4PyTorchParityTest.WIDTH));
    }
}

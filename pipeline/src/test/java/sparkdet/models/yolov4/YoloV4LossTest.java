package sparkdet.models.yolov4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import sparkdet.data.ClassList;
import sparkdet.image.PixelFormat;
import sparkdet.model.Fixtures;
import sparkdet.model.Loss;
import sparkdet.model.ModelSpec;
import sparkdet.model.Task;
import sparkdet.models.yolo.AnchorOptions;
import sparkdet.models.yolo.NetworkChecks;
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
        NetworkChecks.lossEqualsTheReferences(new YoloV4Family().newLoss(spec(), 0),
                Fixtures.tensors(YoloV4PyTorchParityTest.IO), BOXES, 0.4780826569,
                new double[] {0.02613244951, 0.0874799192, 0.2465762347});
    }

    @Test
    void withFocalLossEqualsTheRepositorysFocalLossAndGradients() throws Exception {
        AnchorOptions o = new YoloV4Family().defaultOptions(YoloV4PyTorchParityTest.WIDTH);
        Loss focal = new YoloLoss(o.anchors(), o.anchorsMask(), 3, 64, 64, 0, YoloLoss.BoxIou.CIOU,
                Optional.of(YoloLoss.FocalLoss.REFERENCE));
        NetworkChecks.lossEqualsTheReferences(focal, Fixtures.tensors(YoloV4PyTorchParityTest.IO), BOXES, 0.6936475039,
                new double[] {0.1471268982, 0.2576909661, 0.7108246088});
    }

    /**
     * The family's fresh network and loss together: the loss of a tiny batch falls steadily when the
     * small YOLOv4 (width 1/16) is trained on it alone with SGD; an image without boxes contributes
     * objectness only.
     */
    @Test
    void theFamilysNetworkAndLossOverfitATinyBatch() {
        NetworkChecks.familyOverfitsATinyBatch(new YoloV4Family(), spec(), BOXES);
    }

    private static ModelSpec spec() {
        return new ModelSpec(YoloV4Family.ARCHITECTURE, "cspdarknet53", Task.DETECT, new ClassList(List.of("a", "b", "c")),
                64, 64, PixelFormat.unit(), Resize.LETTERBOX, new YoloV4Family().defaultOptions(YoloV4PyTorchParityTest.WIDTH));
    }
}

package sparkdet.models.yolov3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.models.yolo.NetworkChecks;

/**
 * The Java YOLOv3 against the network of bubbliiiing/yolo3-pytorch written out in PyTorch
 * (scripts/make_yolov3_fixture.py, which checks it against the repository's own YoloBody when given
 * a checkout): width 1/16 (channels 8 to 64, the full depth), 3 classes, 64 x 64, random weights.
 */
class YoloV3PyTorchParityTest {
    static final String WEIGHTS = "yolov3_w00625_c3.pth";
    static final String IO = "yolov3_w00625_c3_io.pt";
    static final String FULL_NAMES = "yolov3_state_dict.txt";
    static final double WIDTH = 0.0625;
    static final int CLASSES = 3;
    private static final int TENSORS = 438;

    @Test
    void referencePthLoadsByNameWithEveryTensorMatched() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.loadsEveryTensorByName(new YoloV3(CLASSES, WIDTH), WEIGHTS, TENSORS,
                    "backbone.conv1.weight", "backbone.bn1.running_var", "backbone.layer1.ds_conv.weight",
                    "backbone.layer4.residual_7.bn2.num_batches_tracked", "last_layer0.6.bias",
                    "last_layer1_conv.conv.weight", "last_layer2.5.bn.running_mean");
        }
    }

    @Test
    void otherClassCountLoadsAllButTheHeadsLastConv() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.otherClassCountSkipsOnlyTheHeadOutputs(new YoloV3(5, WIDTH), WEIGHTS, TENSORS,
                    "last_layer0.6.weight: file [24, 64, 1, 1], model [30, 64, 1, 1] (class count changed)",
                    "last_layer0.6.bias: file [24], model [30] (class count changed)",
                    "last_layer1.6.weight: file [24, 32, 1, 1], model [30, 32, 1, 1] (class count changed)",
                    "last_layer1.6.bias: file [24], model [30] (class count changed)",
                    "last_layer2.6.weight: file [24, 16, 1, 1], model [30, 16, 1, 1] (class count changed)",
                    "last_layer2.6.bias: file [24], model [30] (class count changed)");
        }
    }

    /** eval mode, plain and with the batch norms folded into the convolutions */
    @Test
    void outputsEqualPyTorchsInEvalMode() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.outputsEqualPyTorchsInEvalMode(model(), Fixtures.tensors(IO),
                    new long[][] {{2, 24, 2, 2}, {2, 24, 4, 4}, {2, 24, 8, 8}});
        }
    }

    @Test
    void fullSizeParameterNamesAndShapesEqualTheReferences() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            List<String> expected = new String(Fixtures.bytes(FULL_NAMES), StandardCharsets.UTF_8).lines().toList();
            assertThat(expected).hasSize(TENSORS);
            NetworkChecks.namesAndShapesEqual(new YoloV3(80, 1.0), expected);
        }
    }

    /** the fixture network with the fixture's weights, every tensor loaded */
    static YoloV3 model() {
        return NetworkChecks.withWeights(new YoloV3(CLASSES, WIDTH), WEIGHTS);
    }
}

package sparkdet.models.yolov4;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.models.yolo.NetworkChecks;

/**
 * The Java YOLOv4 against the network of bubbliiiing/yolov4-pytorch written out in PyTorch
 * (scripts/make_yolov4_fixture.py, which checks it against the repository's own YoloBody when given
 * a checkout): width 1/16 (channels 8 to 128, the full depth), 3 classes, 64 x 64, random weights.
 */
class YoloV4PyTorchParityTest {
    static final String WEIGHTS = "yolov4_w00625_c3.pth";
    static final String IO = "yolov4_w00625_c3_io.pt";
    static final String FULL_NAMES = "yolov4_state_dict.txt";
    static final double WIDTH = 0.0625;
    static final int CLASSES = 3;
    private static final int TENSORS = 648;

    @Test
    void referencePthLoadsByNameWithEveryTensorMatched() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.loadsEveryTensorByName(new YoloV4(CLASSES, WIDTH), WEIGHTS, TENSORS,
                    "backbone.conv1.conv.weight", "backbone.stages.0.blocks_conv.0.block.1.bn.running_var",
                    "backbone.stages.3.blocks_conv.8.conv.weight", "backbone.stages.4.concat_conv.bn.num_batches_tracked",
                    "conv2.2.bn.bias", "upsample1.upsample.0.conv.weight", "make_five_conv4.4.bn.running_mean",
                    "down_sample2.conv.weight", "yolo_head1.1.bias", "yolo_head3.0.conv.weight");
        }
    }

    @Test
    void otherClassCountLoadsAllButTheHeadsLastConv() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.otherClassCountSkipsOnlyTheHeadOutputs(new YoloV4(5, WIDTH), WEIGHTS, TENSORS,
                    "yolo_head1.1.weight: file [24, 64, 1, 1], model [30, 64, 1, 1] (class count changed)",
                    "yolo_head1.1.bias: file [24], model [30] (class count changed)",
                    "yolo_head2.1.weight: file [24, 32, 1, 1], model [30, 32, 1, 1] (class count changed)",
                    "yolo_head2.1.bias: file [24], model [30] (class count changed)",
                    "yolo_head3.1.weight: file [24, 16, 1, 1], model [30, 16, 1, 1] (class count changed)",
                    "yolo_head3.1.bias: file [24], model [30] (class count changed)");
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
            NetworkChecks.namesAndShapesEqual(new YoloV4(80, 1.0), expected);
        }
    }

    /** the fixture network with the fixture's weights, every tensor loaded */
    static YoloV4 model() {
        return NetworkChecks.withWeights(new YoloV4(CLASSES, WIDTH), WEIGHTS);
    }
}

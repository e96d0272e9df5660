package sparkdet.models.yolov3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.model.LoadReport;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;
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

    @Test
    void referencePthLoadsByNameWithEveryTensorMatched() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            YoloV3 model = new YoloV3(CLASSES, WIDTH);
            Map<String, Tensor> file = Fixtures.tensors(WEIGHTS);
            LoadReport report = Weights.loadMatching(model, Fixtures.bytes(WEIGHTS), WEIGHTS, ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).isEmpty();
            assertThat(report.unused()).isEmpty();
            assertThat(report.loaded()).containsExactlyElementsOf(file.keySet());
            assertThat(report.loaded()).hasSize(model.stateDict().size()).hasSize(438)
                    .contains("backbone.conv1.weight", "backbone.bn1.running_var", "backbone.layer1.ds_conv.weight",
                            "backbone.layer4.residual_7.bn2.num_batches_tracked", "last_layer0.6.bias",
                            "last_layer1_conv.conv.weight", "last_layer2.5.bn.running_mean");
            // values too: a float16 tensor of the file, in the model as float32
            Tensor fromFile = file.get("backbone.layer3.residual_2.conv2.weight").toType(ScalarType.Float);
            assertThat(model.stateDict().get("backbone.layer3.residual_2.conv2.weight").equal(fromFile)).isTrue();
        }
    }

    @Test
    void otherClassCountLoadsAllButTheHeadsLastConv() {
        try (PointerScope scope = new PointerScope()) {
            YoloV3 model = new YoloV3(5, WIDTH);
            LoadReport report = Weights.loadMatching(model, Fixtures.bytes(WEIGHTS), WEIGHTS, ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).extracting(LoadReport.Skipped::toString).containsExactlyInAnyOrder(
                    "last_layer0.6.weight: file [24, 64, 1, 1], model [30, 64, 1, 1] (class count changed)",
                    "last_layer0.6.bias: file [24], model [30] (class count changed)",
                    "last_layer1.6.weight: file [24, 32, 1, 1], model [30, 32, 1, 1] (class count changed)",
                    "last_layer1.6.bias: file [24], model [30] (class count changed)",
                    "last_layer2.6.weight: file [24, 16, 1, 1], model [30, 16, 1, 1] (class count changed)",
                    "last_layer2.6.bias: file [24], model [30] (class count changed)");
            assertThat(report.loaded()).hasSize(438 - 6);
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
            assertThat(expected).hasSize(438);
            NetworkChecks.namesAndShapesEqual(new YoloV3(80, 1.0), expected);
        }
    }

    /** the fixture network with the fixture's weights, every tensor loaded */
    static YoloV3 model() {
        YoloV3 model = new YoloV3(CLASSES, WIDTH);
        var report = Weights.loadMatching(model, Fixtures.bytes(WEIGHTS), WEIGHTS, ModelFiles.MAX_BYTES_CEILING);
        if (!report.complete() || !report.unused().isEmpty()) {
            throw new IllegalStateException("fixture weights do not fit: " + report);
        }
        return model;
    }
}

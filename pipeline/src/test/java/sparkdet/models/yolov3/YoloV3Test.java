package sparkdet.models.yolov3;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.models.yolo.NetworkChecks;

class YoloV3Test {
    /** the full-width network for COCO has the repository's parameter count (YoloBody, 80 classes) */
    @Test
    void fullWidthHasTheRepositorysParameterCount() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.hasParametersAndOutputs(new YoloV3(80, 1.0), 61_949_149L,
                    new long[][] {{1, 255, 3, 2}, {1, 255, 6, 4}, {1, 255, 12, 8}});
        }
    }

    /**
     * A fresh model starts as the repository's train.py starts one without pretrained weights
     * (weights_init, normal, gain 0.02): convolution weights N(0, 0.02), batch-norm weights
     * N(1, 0.02) and biases 0, whatever the batch norm is named (bn1, ds_bn, bn).
     */
    @Test
    void aFreshModelStartsAsTheRepositorysWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(4);
            NetworkChecks.startsAsTheReferencesWeightsInit(new YoloV3(3, 0.25), List.of("backbone.layer3.ds_conv.weight",
                    "backbone.layer4.residual_0.conv2.weight", "last_layer0.1.conv.weight", "last_layer2.6.weight"),
                    List.of("backbone.bn1", "backbone.layer5.ds_bn",
                    "backbone.layer5.residual_1.bn2", "last_layer1.4.bn", "last_layer2_conv.bn"));
        }
    }

    @Test
    void widthScalesEveryChannelCount() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> s = new YoloV3(3, 0.25).stateDict();
            assertThat(s.get("backbone.conv1.weight").sizes().vec().get()).containsExactly(8, 3, 3, 3);
            assertThat(s.get("backbone.layer1.residual_0.conv1.weight").sizes().vec().get()).containsExactly(8, 16, 1, 1);
            assertThat(s.get("backbone.layer5.ds_conv.weight").sizes().vec().get()).containsExactly(256, 128, 3, 3);
            assertThat(s.get("last_layer1.0.conv.weight").sizes().vec().get()).containsExactly(64, 192, 1, 1);
            assertThat(s.get("last_layer2.6.weight").sizes().vec().get()).containsExactly(24, 64, 1, 1);
        }
    }

    /** a frozen backbone gets no gradients and an SGD step leaves it bit-identical while the neck and heads move */
    @Test
    void frozenBackboneIsLeftAloneByTheOptimiser() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            NetworkChecks.frozenBackboneIsLeftAloneByTheOptimiser(new YoloV3(2, 0.0625), "backbone.conv1.weight");
        }
    }

    /** folding leaves train mode alone: batch statistics, conv then batch norm */
    @Test
    void foldingLeavesTrainModeUnfused() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.foldingLeavesTrainModeUnfused(YoloV3PyTorchParityTest.model());
        }
    }
}

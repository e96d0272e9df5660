package sparkdet.models.yolov4;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.models.yolo.NetworkChecks;

class YoloV4Test {
    /** the full-width network for COCO has the repository's parameter count (YoloBody, 80 classes) */
    @Test
    void fullWidthHasTheRepositorysParameterCount() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.hasParametersAndOutputs(new YoloV4(80, 1.0), 64_363_101L,
                    new long[][] {{1, 255, 3, 2}, {1, 255, 6, 4}, {1, 255, 12, 8}});
        }
    }

    /**
     * A fresh model starts as the repository's train.py starts one without pretrained weights
     * (weights_init, normal, gain 0.02): convolution weights N(0, 0.02), batch-norm weights
     * N(1, 0.02) and biases 0, in the Mish backbone and the LeakyReLU neck alike.
     */
    @Test
    void aFreshModelStartsAsTheRepositorysWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(4);
            NetworkChecks.startsAsTheReferencesWeightsInit(new YoloV4(3, 0.25), List.of("backbone.stages.3.downsample_conv.conv.weight",
                    "backbone.stages.4.blocks_conv.1.block.1.conv.weight", "conv2.1.conv.weight", "yolo_head3.1.weight"),
                    List.of("backbone.conv1.bn", "backbone.stages.4.concat_conv.bn",
                    "backbone.stages.3.blocks_conv.2.block.0.bn", "make_five_conv2.4.bn", "down_sample1.bn"));
        }
    }

    @Test
    void widthScalesEveryChannelCount() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> s = new YoloV4(3, 0.25).stateDict();
            assertThat(s.get("backbone.conv1.conv.weight").sizes().vec().get()).containsExactly(8, 3, 3, 3);
            assertThat(s.get("backbone.stages.0.blocks_conv.0.block.0.conv.weight").sizes().vec().get())
                    .containsExactly(8, 16, 1, 1);
            assertThat(s.get("backbone.stages.4.downsample_conv.conv.weight").sizes().vec().get())
                    .containsExactly(256, 128, 3, 3);
            assertThat(s.get("conv2.0.conv.weight").sizes().vec().get()).containsExactly(128, 512, 1, 1);
            assertThat(s.get("make_five_conv4.0.conv.weight").sizes().vec().get()).containsExactly(128, 256, 1, 1);
            assertThat(s.get("yolo_head3.1.weight").sizes().vec().get()).containsExactly(24, 64, 1, 1);
        }
    }

    /** a frozen backbone gets no gradients and an SGD step leaves it bit-identical while the neck and heads move */
    @Test
    void frozenBackboneIsLeftAloneByTheOptimiser() {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(3);
            NetworkChecks.frozenBackboneIsLeftAloneByTheOptimiser(new YoloV4(2, 0.0625), "backbone.conv1.conv.weight");
        }
    }

    /** folding leaves train mode alone: batch statistics, conv then batch norm */
    @Test
    void foldingLeavesTrainModeUnfused() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.foldingLeavesTrainModeUnfused(YoloV4PyTorchParityTest.model());
        }
    }
}

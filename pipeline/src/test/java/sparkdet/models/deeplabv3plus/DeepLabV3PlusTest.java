package sparkdet.models.deeplabv3plus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.models.segmentation.SegmentationFixtures;
import sparkdet.models.yolo.NetworkChecks;

/** DeepLabv3+ as the family uses it: initialisation, freezing, other class counts, dropout, its arguments. */
class DeepLabV3PlusTest {
    @Test
    void startsAsTheReferencesWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.startsAsTheReferencesWeightsInit(new DeepLabV3Plus(21, "mobilenetv2", 16),
                    List.of("backbone.features.0.0.weight", "backbone.features.5.conv.3.weight", "aspp.branch2.0.weight",
                            "cat_conv.4.weight"),
                    List.of("backbone.features.1.conv.1", "aspp.branch5_bn", "shortcut_conv.1", "cat_conv.5"));
        }
    }

    @Test
    void frozenBackboneGetsNoGradients() {
        SegmentationFixtures.assertFrozenBackboneGetsNoGradients(new DeepLabV3Plus(3, "mobilenetv2", 16));
    }

    @Test
    void otherClassCountLoadsAllButTheClassifier() {
        try (PointerScope scope = new PointerScope()) {
            DeepLabV3Plus model = new DeepLabV3Plus(3, "xception", 8);
            NetworkChecks.otherClassCountSkipsOnlyTheHeadOutputs(model, "deeplabv3plus_xception_positions.pth",
                    model.stateDict().size(),
                    "cls_conv.weight: file [21, 256, 1, 1], model [3, 256, 1, 1] (class count changed)",
                    "cls_conv.bias: file [21], model [3] (class count changed)");
        }
    }

    @Test
    void trainModeDropsOutInCatConv() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            DeepLabV3Plus model = new DeepLabV3Plus(3, "mobilenetv2", 16);
            SegmentationFixtures.fill(model, "deeplabv3plus_mobilenetv2");
            Tensor x = torch.rand(2, 3, 64, 48);
            model.train(true);
            assertThat(model.forward(x)[0].sub(model.forward(x)[0]).abs().max().item_double()).isGreaterThan(1e-2);
            SegmentationFixtures.dropoutsOff(model);
            assertThat(model.forward(x)[0].equal(model.forward(x)[0])).isTrue();
        }
    }

    /**
     * sparkdet's width multiplier keeps the reference's module tree and names, MobileNetV2's channels
     * as its width_mult makes them, ASPP and decoder scaled alike, and the logits at the input size
     */
    @Test
    void aNarrowerNetworkKeepsTheNamesAndTheOutput() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            DeepLabV3Plus full = new DeepLabV3Plus(4, "mobilenetv2", 16);
            DeepLabV3Plus half = new DeepLabV3Plus(4, "mobilenetv2", 16, 0.5);
            assertThat(half.stateDict().keySet()).containsExactlyElementsOf(full.stateDict().keySet());
            assertThat(half.stateDict().get("backbone.features.0.0.weight").sizes().vec().get())
                    .containsExactly(16, 3, 3, 3);
            assertThat(half.stateDict().get("backbone.features.17.conv.7.weight").size(0)).isEqualTo(160);
            assertThat(half.stateDict().get("aspp.branch1.0.weight").size(0)).isEqualTo(128);
            assertThat(half.stateDict().get("shortcut_conv.0.weight").size(0)).isEqualTo(24);
            half.eval();
            Tensor[] out = half.forward(torch.rand(new long[] {1, 3, 64, 48}));
            assertThat(out[0].sizes().vec().get()).containsExactly(1, 4, 64, 48);
            assertThatThrownBy(() -> new DeepLabV3Plus(4, "xception", 16, 0.5))
                    .hasMessageContaining("mobilenetv2");
        }
    }

    @Test
    void refusesUnknownBackbonesFactorsAndSingleClasses() {
        assertThatThrownBy(() -> new DeepLabV3Plus(21, "resnet50", 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("DeepLabv3+ backbone 'resnet50': one of [mobilenetv2, xception]");
        assertThatThrownBy(() -> new DeepLabV3Plus(21, "xception", 32)).hasMessage("downsample factor 32: 8 or 16");
        assertThatThrownBy(() -> new DeepLabV3Plus(1, "xception", 16)).hasMessageContaining("at least two classes");
    }
}

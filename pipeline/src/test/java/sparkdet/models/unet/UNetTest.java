package sparkdet.models.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.model.LoadReport;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;
import sparkdet.models.segmentation.SegmentationLoss;

/** What UNet does beyond the reference's forward pass (UNetPyTorchParityTest): its start, freezing, input sizes. */
class UNetTest {
    @Test
    void vggStartsAsTheReferencesWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> p = UNetBackbone.VGG.newModel(21).namedParameters();
            assertNormal(p.get("vgg.features.28.weight"), 0, 0.02);
            assertNormal(p.get("up_concat4.conv1.weight"), 0, 0.02);
            assertNormal(p.get("final.weight"), 0, 0.02);
            assertThat(p.get("vgg.features.0.bias").abs().max().item_double()).isZero();
            assertThat(p.get("vgg.features.28.bias").abs().max().item_double()).isZero();
            // the decoder's biases keep nn.Conv2d's default: uniform within 1 / sqrt(fan_in)
            assertThat(p.get("up_concat1.conv2.bias").abs().max().item_double())
                    .isGreaterThan(0).isLessThanOrEqualTo(1 / Math.sqrt(64 * 9));
            assertThat(p.get("final.bias").abs().max().item_double()).isGreaterThan(0).isLessThanOrEqualTo(1 / 8.0);
        }
    }

    @Test
    void resnetBatchNormsStartAsTheReferencesWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            UNet model = UNetBackbone.RESNET50.newModel(21);
            Map<String, Tensor> p = model.namedParameters();
            for (String bn : new String[] {"resnet.bn1", "resnet.layer3.2.bn3", "resnet.layer4.0.downsample.1"}) {
                assertThat(p.get(bn + ".weight").sub(new Scalar(1)).abs().max().item_double()).as(bn)
                        .isGreaterThan(0).isLessThan(0.15);
                assertThat(p.get(bn + ".bias").abs().max().item_double()).as(bn).isZero();
            }
            assertNormal(p.get("resnet.layer4.2.conv2.weight"), 0, 0.02);
            assertNormal(p.get("up_conv.1.weight"), 0, 0.02);
            assertThat(model.stateDict().get("resnet.layer1.0.bn1.running_var").min().item_double()).isEqualTo(1);
        }
    }

    @Test
    void freezesTheBackboneAsFreezeBackboneDoes() {
        try (PointerScope scope = new PointerScope()) {
            for (UNetBackbone backbone : UNetBackbone.values()) {
                UNet model = backbone.newModel(3);
                model.setFrozen(true);
                String prefix = backbone == UNetBackbone.VGG ? "vgg." : "resnet.";
                model.namedParameters().forEach((name, t) ->
                        assertThat(t.requires_grad()).as(name).isEqualTo(!name.startsWith(prefix)));
                assertThat(model.namedParameters().keySet().stream().filter(n -> n.startsWith(prefix)).count())
                        .isEqualTo(backbone == UNetBackbone.VGG ? 26 : 159);
                model.setFrozen(false);
                model.namedParameters().forEach((name, t) -> assertThat(t.requires_grad()).as(name).isTrue());
            }
        }
    }

    /** the in-place ReLUs and residual sums leave autograd what it needs, as PyTorch's inplace=True modules do */
    @Test
    void theSegmentationLossBackpropagatesToEveryParameter() {
        try (PointerScope scope = new PointerScope()) {
            for (UNetBackbone backbone : UNetBackbone.values()) {
                UNet model = backbone.newModel(4);
                model.train(true);
                Tensor labels = torch.randint(0, 6, new long[] {2, 32, 32});
                SegmentationLoss.crossEntropy(4).compute(model.forward(torch.rand(2, 3, 32, 32)), labels).backward();
                model.namedParameters().forEach((name, t) -> {
                    assertThat(t.grad().defined()).as(name).isTrue();
                    assertThat(t.grad().abs().sum().item_double()).as(name).isGreaterThan(0).isFinite();
                });
            }
        }
    }

    @Test
    void logitsHaveTheInputsSizeAndOtherSizesAreRefused() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            UNet vgg = UNetBackbone.VGG.newModel(5);
            UNet resnet = UNetBackbone.RESNET50.newModel(2);
            assertThat(vgg.forward(torch.rand(1, 3, 48, 32))[0].sizes().vec().get()).containsExactly(1, 5, 48, 32);
            assertThat(resnet.forward(torch.rand(1, 3, 32, 64))[0].sizes().vec().get()).containsExactly(1, 2, 32, 64);
            assertThatThrownBy(() -> resnet.forward(torch.rand(1, 3, 48, 32)))
                    .hasMessage("UNet (resnet50) takes heights and widths that are multiples of 32, got 48 x 32");
            assertThatThrownBy(() -> vgg.forward(torch.rand(1, 3, 64, 40))).hasMessageContaining("multiples of 16");
        }
    }

    /**
     * sparkdet's width multiplier on VGG16 keeps the reference's names: every convolution of the backbone
     * and the decoder scaled to a multiple of 8 (at least 8), each up_concat taking its skip feature's and
     * the upsampled feature's channels, the logits at the input size; resnet50 takes none
     */
    @Test
    void aNarrowerVggNetworkKeepsTheNamesAndTheOutput() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            UNet full = UNetBackbone.VGG.newModel(4);
            UNet narrow = UNetBackbone.VGG.newModel(4, 1 / 16.0);
            assertThat(narrow.stateDict().keySet()).containsExactlyElementsOf(full.stateDict().keySet());
            Map<String, Tensor> state = narrow.stateDict();
            // VGG16's stages 64, 128, 256, 512, 512 at 1/16: 8 (at least), 8, 16, 32, 32
            assertThat(state.get("vgg.features.0.weight").sizes().vec().get()).containsExactly(8, 3, 3, 3);
            assertThat(state.get("vgg.features.5.weight").sizes().vec().get()).containsExactly(8, 8, 3, 3);
            assertThat(state.get("vgg.features.10.weight").sizes().vec().get()).containsExactly(16, 8, 3, 3);
            assertThat(state.get("vgg.features.28.weight").sizes().vec().get()).containsExactly(32, 32, 3, 3);
            // up_concat4: feat4 + feat5 -> 512 / 16; up_concat1: feat1 + up_concat2's 128 / 16 -> 64 / 16
            assertThat(state.get("up_concat4.conv1.weight").sizes().vec().get()).containsExactly(32, 64, 3, 3);
            assertThat(state.get("up_concat3.conv1.weight").sizes().vec().get()).containsExactly(16, 48, 3, 3);
            assertThat(state.get("up_concat1.conv1.weight").sizes().vec().get()).containsExactly(8, 16, 3, 3);
            assertThat(state.get("final.weight").sizes().vec().get()).containsExactly(4, 8, 1, 1);
            assertThat(full.stateDict().get("up_concat4.conv1.weight").sizes().vec().get())
                    .as("width 1 is the reference's in_filters").containsExactly(512, 1024, 3, 3);
            assertThat(full.stateDict().get("up_concat1.conv1.weight").size(1)).isEqualTo(192);
            narrow.eval();
            assertThat(narrow.forward(torch.rand(1, 3, 64, 32))[0].sizes().vec().get()).containsExactly(1, 4, 64, 32);
            assertThatThrownBy(() -> UNetBackbone.RESNET50.newModel(4, 0.5)).hasMessageContaining("vgg");
        }
    }

    @Test
    void anotherClassCountLoadsAllButTheFinalConvolution() {
        try (PointerScope scope = new PointerScope()) {
            String file = "unet_vgg_c3_positions.pth";
            UNet model = UNetBackbone.VGG.newModel(21);
            LoadReport report = Weights.loadMatching(model, Fixtures.bytes(file), file, ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).extracting(LoadReport.Skipped::toString).containsExactly(
                    "final.weight: file [3, 64, 1, 1], model [21, 64, 1, 1] (class count changed)",
                    "final.bias: file [3], model [21] (class count changed)");
            assertThat(report.unused()).isEmpty();
        }
    }

    @Test
    void backbonesAreTheReferencesNames() {
        assertThat(UNetBackbone.variants()).containsExactly("vgg", "resnet50");
        assertThat(UNetBackbone.of(" ResNet50")).isEqualTo(UNetBackbone.RESNET50);
        assertThat(UNetBackbone.VGG.inputMultiple()).isEqualTo(16);
        assertThatThrownBy(() -> UNetBackbone.of("resnet101"))
                .hasMessage("UNet backbone must be one of [vgg, resnet50]; got 'resnet101'");
    }

    private static void assertNormal(Tensor t, double mean, double std) {
        assertThat(t.mean().item_double()).isCloseTo(mean, within(std / 10));
        assertThat(t.std().item_double()).isCloseTo(std, within(std / 10));
    }
}

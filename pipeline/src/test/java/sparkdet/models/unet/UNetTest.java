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
                assertThat(p.get(bn + ".weight").sub(new Scalar(1)).abs().max().item_double()).as(bn).isGreaterThan(0).isLessThan(0.15);
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

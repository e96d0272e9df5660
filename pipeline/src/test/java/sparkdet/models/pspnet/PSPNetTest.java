package sparkdet.models.pspnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import sparkdet.models.segmentation.SegmentationFixtures;
import sparkdet.models.yolo.NetworkChecks;

/** PSPNet as the family uses it: initialisation, freezing, other class counts, its arguments. */
class PSPNetTest {
    @Test
    void startsAsTheReferencesWeightsInit() {
        try (PointerScope scope = new PointerScope()) {
            NetworkChecks.startsAsTheReferencesWeightsInit(new PSPNet(21, "resnet50", 8, true),
                    List.of("backbone.conv1.weight", "backbone.layer3.2.conv2.weight", "master_branch.0.stages.3.1.weight",
                            "master_branch.0.bottleneck.0.weight", "auxiliary_branch.0.weight"),
                    List.of("backbone.bn1", "backbone.layer1.0.downsample.1", "master_branch.0.stages.0.2",
                            "auxiliary_branch.1"));
        }
    }

    @Test
    void frozenBackboneGetsNoGradients() {
        SegmentationFixtures.assertFrozenBackboneGetsNoGradients(new PSPNet(3, "mobilenetv2", 16, true));
    }

    @Test
    void otherClassCountLoadsAllButTheClassifiers() {
        try (PointerScope scope = new PointerScope()) {
            PSPNet model = new PSPNet(3, "resnet50", 16, true);
            NetworkChecks.otherClassCountSkipsOnlyTheHeadOutputs(model, "pspnet_resnet50_positions.pth",
                    model.stateDict().size(),
                    "master_branch.1.weight: file [21, 512, 1, 1], model [3, 512, 1, 1] (class count changed)",
                    "master_branch.1.bias: file [21], model [3] (class count changed)",
                    "auxiliary_branch.4.weight: file [21, 256, 1, 1], model [3, 256, 1, 1] (class count changed)",
                    "auxiliary_branch.4.bias: file [21], model [3] (class count changed)");
        }
    }

    /**
     * sparkdet's width multiplier keeps the reference's module tree and names: MobileNetV2's channels as
     * its width_mult makes them (320 and 96 at width 1), the pyramid a quarter and the auxiliary branch an
     * eighth of the last features', the logits at the input size; resnet50 takes none
     */
    @Test
    void aNarrowerNetworkKeepsTheNamesAndTheOutput() {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            PSPNet full = new PSPNet(4, "mobilenetv2", 8, true);
            PSPNet narrow = new PSPNet(4, "mobilenetv2", 8, true, 0.125);
            assertThat(narrow.stateDict().keySet()).containsExactlyElementsOf(full.stateDict().keySet());
            assertThat(narrow.stateDict().get("backbone.features.0.0.weight").sizes().vec().get())
                    .containsExactly(4, 3, 3, 3);
            assertThat(narrow.stateDict().get("backbone.features.17.conv.7.weight").size(0)).isEqualTo(40);
            assertThat(narrow.stateDict().get("master_branch.0.stages.0.1.weight").sizes().vec().get())
                    .containsExactly(10, 40, 1, 1);
            assertThat(narrow.stateDict().get("master_branch.0.bottleneck.0.weight").sizes().vec().get())
                    .containsExactly(10, 80, 3, 3);
            assertThat(narrow.stateDict().get("auxiliary_branch.0.weight").sizes().vec().get())
                    .containsExactly(5, 12, 3, 3);
            narrow.eval();
            assertThat(narrow.forward(torch.rand(1, 3, 48, 40))[0].sizes().vec().get()).containsExactly(1, 4, 48, 40);
            assertThatThrownBy(() -> new PSPNet(4, "resnet50", 16, false, 0.5)).hasMessageContaining("mobilenetv2");
        }
    }

    @Test
    void refusesUnknownBackbonesAndFactors() {
        assertThatThrownBy(() -> new PSPNet(21, "xception", 16, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PSPNet backbone 'xception': one of [mobilenetv2, resnet50]");
        assertThatThrownBy(() -> new PSPNet(21, "resnet50", 4, false)).hasMessage("downsample factor 4: 8 or 16");
    }
}

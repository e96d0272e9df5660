package sparkdet.models.pspnet;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.bytedeco.javacpp.PointerScope;
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

    @Test
    void refusesUnknownBackbonesAndFactors() {
        assertThatThrownBy(() -> new PSPNet(21, "xception", 16, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("PSPNet backbone 'xception': one of [mobilenetv2, resnet50]");
        assertThatThrownBy(() -> new PSPNet(21, "resnet50", 4, false)).hasMessage("downsample factor 4: 8 or 16");
    }
}

package sparkdet.models.pspnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.model.Fixtures;
import sparkdet.models.segmentation.SegmentationFixtures;

/** The Java PSPNet against the reference's PSPNet (scripts/make_segmentation_fixtures.py). */
class PSPNetPyTorchParityTest {
    @ParameterizedTest
    @CsvSource({"mobilenetv2, 8", "mobilenetv2, 16", "resnet50, 8", "resnet50, 16"})
    void outputsEqualTheReferencesInEvalFoldedAndTrainMode(String backbone, int downsampleFactor) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            SegmentationFixtures.assertMatchesReference(
                    new PSPNet(SegmentationFixtures.CLASSES, backbone, downsampleFactor, true),
                    "pspnet_" + backbone + "_df" + downsampleFactor, "train", "train_aux");
        }
    }

    @Test
    void withoutTheAuxiliaryBranchTrainModeGivesTheLogitsAlone() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            PSPNet model = new PSPNet(SegmentationFixtures.CLASSES, "mobilenetv2", 16, false);
            assertThat(model.stateDict().keySet()).isNotEmpty().noneMatch(k -> k.startsWith("auxiliary_branch."));
            SegmentationFixtures.fill(model);
            Map<String, Tensor> io = Fixtures.tensors("pspnet_mobilenetv2_df16_io.pt");
            // train mode in float64, as SegmentationFixtures.assertMatchesReference compares it
            model.to(ScalarType.Double, false);
            model.train(true);
            SegmentationFixtures.dropoutsOff(model);
            Tensor[] out = model.forward(SegmentationFixtures.input().toType(ScalarType.Double));
            assertThat(out).hasSize(1);
            assertThat(out[0].sub(io.get("train")).abs().max().item_double()).isLessThan(1e-4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenetv2", "resnet50"})
    void fullSizeStateDictIsTheReferences(String backbone) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            SegmentationFixtures.assertFullSizeIsTheReferences(
                    new PSPNet(SegmentationFixtures.FULL_CLASSES, backbone, 16, true), "pspnet_" + backbone);
        }
    }
}

package sparkdet.models.pspnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
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
import sparkdet.model.LoadReport;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;
import sparkdet.models.segmentation.SegmentationFixtures;

/** The Java PSPNet against the reference's PSPNet (scripts/make_segmentation_fixtures.py). */
class PSPNetPyTorchParityTest {
    @ParameterizedTest
    @CsvSource({"mobilenetv2, 8", "mobilenetv2, 16", "resnet50, 8", "resnet50, 16"})
    void outputsEqualTheReferencesInEvalFoldedAndTrainMode(String backbone, int downsampleFactor) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            SegmentationFixtures.assertMatchesReference(
                    new PSPNet(SegmentationFixtures.CLASSES, backbone, downsampleFactor, true),
                    "pspnet_" + backbone, downsampleFactor, "train", "train_aux");
        }
    }

    /** as the reference's predict builds it (aux_branch False) for weights trained with the branch */
    @Test
    void withoutTheAuxiliaryBranchTheLogitsAreTheReferencesAlone() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            PSPNet trained = new PSPNet(SegmentationFixtures.CLASSES, "mobilenetv2", 16, true);
            SegmentationFixtures.fill(trained, "pspnet_mobilenetv2");
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            Weights.save(trained, file);
            PSPNet model = new PSPNet(SegmentationFixtures.CLASSES, "mobilenetv2", 16, false);
            LoadReport report = Weights.loadMatching(model, file.toByteArray(), "with aux", ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.complete()).isTrue();
            assertThat(report.unused()).isNotEmpty().allMatch(name -> name.startsWith("auxiliary_branch."));

            Map<String, Tensor> io = Fixtures.tensors("pspnet_mobilenetv2_df16_io.pt");
            // train mode in float64, as SegmentationFixtures.assertMatchesReference compares it
            model.to(ScalarType.Double, false);
            model.train(true);
            SegmentationFixtures.dropoutsOff(model);
            Tensor[] out = model.forward(io.get("input").toType(ScalarType.Double));
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

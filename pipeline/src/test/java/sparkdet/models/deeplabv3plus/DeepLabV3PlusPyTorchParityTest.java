package sparkdet.models.deeplabv3plus;

import org.bytedeco.javacpp.PointerScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.models.segmentation.SegmentationFixtures;

/** The Java DeepLabv3+ against the reference's DeepLab (scripts/make_segmentation_fixtures.py). */
class DeepLabV3PlusPyTorchParityTest {
    @ParameterizedTest
    @CsvSource({"mobilenetv2, 8", "mobilenetv2, 16", "xception, 8", "xception, 16"})
    void outputsEqualTheReferencesInEvalFoldedAndTrainMode(String backbone, int downsampleFactor) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            SegmentationFixtures.assertMatchesReference(
                    new DeepLabV3Plus(SegmentationFixtures.CLASSES, backbone, downsampleFactor),
                    "deeplabv3plus_" + backbone, downsampleFactor, "train");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mobilenetv2", "xception"})
    void fullSizeStateDictIsTheReferences(String backbone) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            SegmentationFixtures.assertFullSizeIsTheReferences(
                    new DeepLabV3Plus(SegmentationFixtures.FULL_CLASSES, backbone, 16), "deeplabv3plus_" + backbone);
        }
    }
}

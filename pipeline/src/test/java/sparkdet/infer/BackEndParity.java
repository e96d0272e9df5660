package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import sparkdet.image.ImageDecoder;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;
import sparkdet.model.RawOutputs;
import sparkdet.postprocess.Detection;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * What "the same model on another back-end" means, for the tests that compare back-ends: for a
 * detector the same raw outputs and boxes on real photos, for a segmentation model the same class
 * maps but for ties.
 */
public final class BackEndParity {
    /** darknet's photos, for detectors */
    public static final List<String> DETECTION_PHOTOS = List.of("dog.jpg", "horses.jpg", "person.jpg");
    /** labelme's VOC segmentation example's photos */
    public static final List<String> SEGMENTATION_PHOTOS = List.of("2011_000003.jpg", "2011_000006.jpg",
            "2011_000025.jpg");
    /** how close to a tie, in logit, a pixel that two back-ends decode differently must be */
    private static final float TIE = 1e-3f;
    /** the most pixels of a photo that may be ties */
    private static final long MAX_TIES = 10;

    private BackEndParity() {
    }

    public static List<RgbImage> detectionPhotos() throws Exception {
        return photos(TestData.DARKNET, DETECTION_PHOTOS);
    }

    public static List<RgbImage> segmentationPhotos() throws Exception {
        return photos(TestData.LABELME_SEGMENTATION.resolve("JPEGImages"), SEGMENTATION_PHOTOS);
    }

    private static List<RgbImage> photos(Path folder, List<String> names) throws Exception {
        List<RgbImage> photos = new ArrayList<>();
        for (String name : names) {
            Path p = TestData.require(folder.resolve(name));
            photos.add(ImageDecoder.decode(Files.readAllBytes(p), name, TestSpark.pixelLimit()));
        }
        return photos;
    }

    /** raw outputs to 1e-3 (the ONNX exports fold batch norm), boxes to 0.05 pixel, scores to 1e-4 */
    public static void assertSameOutputsAndBoxes(Detector reference, List<Detector> others, List<RgbImage> photos) {
        RawOutputs expectedOutputs = reference.run(reference.prepare(photos));
        for (Detector other : others) {
            RawOutputs out = other.run(other.prepare(photos));
            assertThat(out.shapes()).hasNumberOfRows(expectedOutputs.shapes().length);
            for (int o = 0; o < expectedOutputs.shapes().length; o++) {
                assertThat(out.shapes()[o]).as(other.describe()).containsExactly(expectedOutputs.shapes()[o]);
                assertThat(out.values()[o]).as(other.describe()).containsExactly(expectedOutputs.values()[o],
                        within(1e-3f));
            }
        }
        DetectOptions options = new DetectOptions(0.05, 0.45, 100);
        List<List<Detection>> expected = reference.detect(photos, options);
        assertThat(expected.stream().mapToInt(List::size).sum()).as("random weights still find boxes").isPositive();
        for (Detector other : others) {
            List<List<Detection>> found = other.detect(photos, options);
            for (int i = 0; i < photos.size(); i++) {
                assertThat(found.get(i)).as(other.describe()).hasSameSizeAs(expected.get(i));
                for (int k = 0; k < found.get(i).size(); k++) {
                    Detection a = found.get(i).get(k);
                    Detection b = expected.get(i).get(k);
                    assertThat(a.classIndex()).isEqualTo(b.classIndex());
                    assertThat(a.score()).isCloseTo(b.score(), within(1e-4f));
                    assertThat(new float[] {a.x1(), a.y1(), a.x2(), a.y2()})
                            .containsExactly(new float[] {b.x1(), b.y1(), b.x2(), b.y2()}, within(0.05f));
                }
            }
        }
    }

    /**
     * The class maps predict writes (softmax, the picture's part of the letterbox resized to its
     * size, argmax) are the reference's pixel for pixel, but for ties: float32 back-ends differ by
     * some 1e-5 in the logits, so where two classes are that close in the bilinearly resized
     * probabilities (a pixel or so in 100000 on class borders) either may win. Such a pixel is
     * accepted only if it is a tie in the reference's own logits: raising the other back-end's
     * class there by {@link #TIE} (in logit, 100 times the back-ends' differences) everywhere makes
     * the reference's decoder pick it; at most {@link #MAX_TIES} per photo.
     *
     * @param names the photos' names, for messages
     */
    public static void assertSameMasks(Detector reference, List<Detector> others, List<RgbImage> photos,
                                       List<String> names) {
        Detector.Prepared prepared = reference.prepare(photos);
        RawOutputs referenceLogits = reference.run(prepared);
        List<LabelMap> expected = reference.finishMasks(prepared, referenceLogits);
        // per class, the reference's maps with that class's logits raised by TIE
        List<List<LabelMap>> raised = new ArrayList<>();
        for (int c = 0; c < reference.classes().size(); c++) {
            raised.add(reference.finishMasks(prepared, raise(referenceLogits, c)));
        }
        for (int i = 0; i < photos.size(); i++) {
            LabelMap mask = expected.get(i);
            assertThat(new int[] {mask.width(), mask.height()}).as(names.get(i) + " at the picture's size")
                    .containsExactly(photos.get(i).width(), photos.get(i).height());
            assertThat(Arrays.stream(mask.histogram()).filter(pixels -> pixels > 0).count())
                    .as("the random weights still split %s into classes", names.get(i)).isGreaterThan(1);
        }
        for (Detector other : others) {
            List<LabelMap> masks = other.segment(photos);
            for (int i = 0; i < photos.size(); i++) {
                LabelMap mask = masks.get(i);
                LabelMap expectedMask = expected.get(i);
                assertThat(mask.width()).isEqualTo(expectedMask.width());
                assertThat(mask.height()).isEqualTo(expectedMask.height());
                long ties = 0;
                for (int p = 0; p < mask.pixels().length; p++) {
                    int found = mask.pixels()[p];
                    if (found != expectedMask.pixels()[p]) {
                        assertThat((int) raised.get(found).get(i).pixels()[p]).as("%s, %s, pixel (%d, %d): "
                                + "class %d where the reference decodes %d, more than a tie apart", other.describe(),
                                names.get(i), p % mask.width(), p / mask.width(), found,
                                expectedMask.pixels()[p]).isEqualTo(found);
                        ties++;
                    }
                }
                System.out.printf("%s, %s: %d of %d pixels decoded otherwise, each a tie%n", other.describe(),
                        names.get(i), ties, mask.pixels().length);
                assertThat(ties).as("%s, %s: ties", other.describe(), names.get(i)).isLessThanOrEqualTo(MAX_TIES);
            }
        }
    }

    /** the logits [N, C, H, W] with class c's raised by TIE in every image and pixel */
    private static RawOutputs raise(RawOutputs outputs, int c) {
        float[] logits = outputs.values()[0].clone();
        long[] shape = outputs.shapes()[0];
        int plane = (int) (shape[2] * shape[3]);
        for (int image = 0; image < shape[0]; image++) {
            int from = (int) ((image * shape[1] + c) * plane);
            for (int k = from; k < from + plane; k++) {
                logits[k] += TIE;
            }
        }
        return new RawOutputs(new float[][] {logits}, new long[][] {shape});
    }
}

package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.image.ImageDecoder;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.model.Fixtures;
import sparkdet.model.ModelFiles;
import sparkdet.model.RawOutputs;
import sparkdet.model.Task;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * One network per segmentation family, three back-ends: the PyTorch state dict (.pth) in sparkdet's
 * own network of the family (by name and shape, described by a sidecar naming the architecture and
 * its width), the ONNX export (ONNX Runtime) and the traced TorchScript (libtorch's JIT), all written
 * from the same weights by scripts/make_segmentation_exports.py. On PyTorch's own input each gives
 * PyTorch's logits to 1e-4; on real photos (labelme's VOC segmentation example) the class maps that
 * predict writes (softmax, the picture's part of the letterbox resized to its size, argmax) are the
 * same pixel for pixel, but for ties: float32 back-ends differ by some 1e-5 in the logits, so where
 * two classes are that close in the bilinearly resized probabilities (a pixel or so in 100000 on
 * class borders) either may win. Such a pixel is accepted only if it is a tie in the reference's own
 * logits: raising the other back-end's class there by {@link #TIE} (in logit, 100 times the
 * back-ends' differences) everywhere makes the reference's decoder pick it.
 */
class SegmentationBackendParityTest {
    private static final List<String> CLASSES = List.of("background", "circle", "square", "triangle");
    private static final List<String> PHOTOS = List.of("2011_000003.jpg", "2011_000006.jpg", "2011_000025.jpg");
    private static final float TOLERANCE = 1e-4f;
    /** how close to a tie, in logit, a pixel that two back-ends decode differently must be */
    private static final float TIE = 1e-3f;
    /** the most pixels of a photo that may be ties */
    private static final long MAX_TIES = 10;

    /** the exports' name, their input side, and what the .pth's sidecar says beyond layout, classes and size */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "deeplabv3plus_mobilenetv2_w0125_c4 | 64 | architecture = deeplabv3plus, variant = mobilenetv2, width = 0.125",
        "pspnet_mobilenetv2_w0125_c4 | 48 | architecture = pspnet, variant = mobilenetv2, width = 0.125, "
            + "downsample-factor = 8",
        "unet_vgg_w00625_c4 | 64 | architecture = unet, variant = vgg, width = 0.0625"})
    void everyBackEndGivesPyTorchsLogitsAndTheSameMasks(String name, int size, String family, @TempDir Path dir)
            throws Exception {
        Path pth = dir.resolve(name + ".pth");
        try (InputStream in = SegmentationBackendParityTest.class.getResourceAsStream("/fixtures/" + name + ".pth")) {
            Files.write(pth, in.readAllBytes());
        }
        Files.writeString(dir.resolve(name + ".pth.conf"), "layout = segmentation\n" + family.replace(", ", "\n")
                + "\nclasses = [" + String.join(", ", CLASSES) + "]\ninput-size = " + size + "\n");
        List<Detector> backEnds = new ArrayList<>();
        try {
            backEnds.add(Detectors.open(new Storage(new Configuration()), pth.toString(), 2, "cpu",
                    ModelFiles.MAX_BYTES_CEILING));
            backEnds.add(ConstantModelsTest.open(name + ".onnx"));
            backEnds.add(ConstantModelsTest.open(name + ".pt"));
            assertThat(backEnds.get(0).describe()).startsWith("sparkdet " + family.split(", ")[0].split(" = ")[1]);

            float[] input;
            float[] expected;
            try (PointerScope scope = new PointerScope()) {
                Map<String, Tensor> io = Fixtures.tensors(name + "_io.pt");
                input = floats(io.get("input"));
                expected = floats(io.get("logits"));
            }
            for (Detector d : backEnds) {
                assertThat(d.spec().task()).as(d.describe()).isEqualTo(Task.SEGMENT);
                assertThat(d.classes()).as(d.describe()).containsExactlyElementsOf(CLASSES);
                assertThat(d.spec().inputSize()).as(d.describe()).isEqualTo(size);
                RawOutputs out = d.runInput(input, 1);
                assertThat(out.shapes()).as(d.describe()).hasNumberOfRows(1);
                assertThat(out.shapes()[0]).as(d.describe()).containsExactly(1, CLASSES.size(), size, size);
                System.out.printf("%s: max |logits - PyTorch's| %.3g (max |PyTorch's| %.3g)%n", d.describe(),
                        maxDifference(out.values()[0], expected), maxDifference(expected, new float[expected.length]));
                assertThat(out.values()[0]).as(d.describe()).containsExactly(expected, within(TOLERANCE));
            }

            List<RgbImage> photos = photos();
            Detector own = backEnds.get(0);
            Detector.Prepared prepared = own.prepare(photos);
            RawOutputs referenceLogits = own.run(prepared);
            List<LabelMap> reference = own.finishMasks(prepared, referenceLogits);
            // per class, the reference's maps with that class's logits raised by TIE
            List<List<LabelMap>> raised = new ArrayList<>();
            for (int c = 0; c < CLASSES.size(); c++) {
                raised.add(own.finishMasks(prepared, raise(referenceLogits, c)));
            }
            for (int i = 0; i < photos.size(); i++) {
                LabelMap mask = reference.get(i);
                assertThat(new int[] {mask.width(), mask.height()}).as(PHOTOS.get(i) + " at the picture's size")
                        .containsExactly(photos.get(i).width(), photos.get(i).height());
                assertThat(Arrays.stream(mask.histogram()).filter(pixels -> pixels > 0).count())
                        .as("the random weights still split %s into classes", PHOTOS.get(i)).isGreaterThan(1);
            }
            for (Detector other : backEnds.subList(1, backEnds.size())) {
                List<LabelMap> masks = other.segment(photos);
                for (int i = 0; i < photos.size(); i++) {
                    LabelMap mask = masks.get(i);
                    LabelMap expectedMask = reference.get(i);
                    assertThat(mask.width()).isEqualTo(expectedMask.width());
                    assertThat(mask.height()).isEqualTo(expectedMask.height());
                    long ties = 0;
                    for (int p = 0; p < mask.pixels().length; p++) {
                        int found = mask.pixels()[p];
                        if (found != expectedMask.pixels()[p]) {
                            assertThat((int) raised.get(found).get(i).pixels()[p]).as("%s, %s, pixel (%d, %d): "
                                    + "class %d where the reference decodes %d, more than a tie apart", other.describe(),
                                    PHOTOS.get(i), p % mask.width(), p / mask.width(), found,
                                    expectedMask.pixels()[p]).isEqualTo(found);
                            ties++;
                        }
                    }
                    System.out.printf("%s, %s: %d of %d pixels decoded otherwise, each a tie%n", other.describe(),
                            PHOTOS.get(i), ties, mask.pixels().length);
                    assertThat(ties).as("%s, %s: ties", other.describe(), PHOTOS.get(i)).isLessThanOrEqualTo(MAX_TIES);
                }
            }
        } finally {
            for (Detector d : backEnds) {
                d.close();
            }
        }
    }

    static List<RgbImage> photos() throws Exception {
        List<RgbImage> photos = new ArrayList<>();
        for (String name : PHOTOS) {
            Path p = TestData.require(TestData.LABELME_SEGMENTATION.resolve("JPEGImages").resolve(name));
            photos.add(ImageDecoder.decode(Files.readAllBytes(p), name, TestSpark.pixelLimit()));
        }
        return photos;
    }

    private static float[] floats(Tensor t) {
        float[] values = new float[(int) t.numel()];
        t.contiguous().data_ptr_float().get(values);
        return values;
    }

    private static double maxDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
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

package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.io.Storage;
import sparkdet.model.Fixtures;
import sparkdet.model.ModelFiles;
import sparkdet.model.RawOutputs;
import sparkdet.model.Task;

/**
 * One network per segmentation family, three back-ends: the PyTorch state dict (.pth) in sparkdet's
 * own network of the family (by name and shape, described by a sidecar naming the architecture and
 * its width), the ONNX export (ONNX Runtime) and the traced TorchScript (libtorch's JIT), all written
 * from the same weights by scripts/make_segmentation_exports.py. On PyTorch's own input each gives
 * PyTorch's logits to 1e-4; on real photos (labelme's VOC segmentation example) the class maps that
 * predict writes are the same but for ties ({@link BackEndParity#assertSameMasks}).
 */
class SegmentationBackendParityTest {
    private static final List<String> CLASSES = List.of("background", "circle", "square", "triangle");
    private static final float TOLERANCE = 1e-4f;

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

            BackEndParity.assertSameMasks(backEnds.get(0), backEnds.subList(1, backEnds.size()),
                    BackEndParity.segmentationPhotos(), BackEndParity.SEGMENTATION_PHOTOS);
        } finally {
            for (Detector d : backEnds) {
                d.close();
            }
        }
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
}

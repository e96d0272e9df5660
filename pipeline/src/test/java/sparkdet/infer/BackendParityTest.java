package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import sparkdet.model.ModelFiles;
import sparkdet.data.ClassList;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.model.RawOutputs;
import sparkdet.model.Network;
import sparkdet.model.TestModels;
import sparkdet.model.Weights;

/**
 * One network, three back-ends: the width-0.25 YOLOv4-tiny of the PyTorch fixture as sparkdet's
 * model.zip (its .pth loaded by name), as the .pth itself with a sidecar, as ONNX (ONNX Runtime) and
 * as TorchScript (libtorch's JIT),
 * all exported from the same weights by scripts/make_inference_fixtures.py. On real photos the raw
 * outputs agree to float tolerance (the ONNX export folds batch norm into the convolutions) and
 * so do the boxes.
 */
class BackendParityTest {
    @Test
    void modelZipOnnxAndTorchScriptGiveTheSameOutputsAndBoxes(@TempDir Path dir) throws Exception {
        Storage storage = new Storage(new Configuration());
        Path zip = dir.resolve("model.zip");
        ModelSpec spec = TestModels.yolov4Tiny(new ClassList(List.of("circle", "square", "triangle")), 0.25,
                TestModels.defaultAnchors(), 160, 160);
        Network model = spec.newNetwork();
        try (InputStream in = BackendParityTest.class.getResourceAsStream("/fixtures/yolov4_tiny_w025_c3.pth")) {
            assertThat(Weights.loadMatching(model, in.readAllBytes(), "fixture", ModelFiles.MAX_BYTES_CEILING).skipped())
                    .isEmpty();
        }
        ModelArchive.write(storage, zip.toString(), spec, model);

        List<RgbImage> photos = BackEndParity.detectionPhotos();
        // the repository's .pth itself, described by a sidecar, in sparkdet's network
        Path pth = dir.resolve("yolov4_tiny_weights.pth");
        try (InputStream in = BackendParityTest.class.getResourceAsStream("/fixtures/yolov4_tiny_w025_c3.pth")) {
            Files.write(pth, in.readAllBytes());
        }
        Files.writeString(dir.resolve("yolov4_tiny_weights.pth.conf"), """
                layout = yolo-anchors
                classes = [circle, square, triangle]
                anchors = [10,14, 23,27, 37,58, 81,82, 135,169, 344,319]
                input-size = 160
                width = 0.25
                """);
        try (Detector own = Detectors.open(storage, zip.toString(), 2, "cpu", ModelFiles.MAX_BYTES_CEILING);
             Detector stateDict = Detectors.open(storage, pth.toString(), 2, "cpu", ModelFiles.MAX_BYTES_CEILING);
             Detector onnx = ConstantModelsTest.open("yolov4_tiny_w025_c3.onnx");
             Detector script = ConstantModelsTest.open("yolov4_tiny_w025_c3.pt")) {
            RawOutputs reference = own.run(own.prepare(photos));
            assertThat(reference.shapes()[0]).containsExactly(3, 24, 5, 5);
            assertThat(reference.shapes()[1]).containsExactly(3, 24, 10, 10);
            RawOutputs fromPth = stateDict.run(stateDict.prepare(photos));
            for (int o = 0; o < 2; o++) {
                assertThat(fromPth.values()[o]).as("the same weights in the same network").containsExactly(reference.values()[o]);
            }
            BackEndParity.assertSameOutputsAndBoxes(own, List.of(onnx, script), photos);
        }
    }

    /**
     * The other families' exports (scripts/make_inference_fixtures.py) against the same weights as a
     * .pth in sparkdet's network, each described by a sidecar: outputs and boxes through the
     * family's layout are the network's. The last column is the network's outputs, channels x height
     * x width per photo, in order. The yolox sidecars give no normalize: the .pth takes the layout's
     * pixels, which must be the ImageNet mean and std its exports' sidecars name.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "yolov5_s_w025_c3.pth | layout = yolov5, architecture = yolov5, variant = s, width = 0.25 "
            + "| yolov5_s_w025_c3.onnx | 24x3x3, 24x6x6, 24x12x12",
        "yolov3_w003125_c3.pth | layout = yolo-anchors, architecture = yolov3, width = 0.03125 "
            + "| yolov3_w003125_c3.onnx, yolov3_w003125_c3.pt | 24x3x3, 24x6x6, 24x12x12",
        "yolov4_w0015625_c3.pth | layout = yolo-anchors, architecture = yolov4, width = 0.015625 "
            + "| yolov4_w0015625_c3.onnx, yolov4_w0015625_c3.pt | 24x3x3, 24x6x6, 24x12x12",
        "yolov4_tiny_phi1_w0125_c3.pth | layout = yolo-anchors, architecture = yolov4-tiny, variant = phi1, "
            + "width = 0.125 | yolov4_tiny_phi1_w0125_c3.onnx, yolov4_tiny_phi1_w0125_c3.pt | 24x3x3, 24x6x6",
        "yolov4_tiny_phi2_w0125_c3.pth | layout = yolo-anchors, architecture = yolov4-tiny, variant = phi2, "
            + "width = 0.125 | yolov4_tiny_phi2_w0125_c3.onnx, yolov4_tiny_phi2_w0125_c3.pt | 24x3x3, 24x6x6",
        "yolov4_tiny_phi3_w0125_c3.pth | layout = yolo-anchors, architecture = yolov4-tiny, variant = phi3, "
            + "width = 0.125 | yolov4_tiny_phi3_w0125_c3.onnx, yolov4_tiny_phi3_w0125_c3.pt | 24x3x3, 24x6x6",
        "yolov4_tiny_phi4_w0125_c3.pth | layout = yolo-anchors, architecture = yolov4-tiny, variant = phi4, "
            + "width = 0.125 | yolov4_tiny_phi4_w0125_c3.onnx, yolov4_tiny_phi4_w0125_c3.pt | 24x3x3, 24x6x6",
        "yolox_nano_w05_c3.pth | layout = yolox, architecture = yolox, variant = nano, width = 0.5 "
            + "| yolox_nano_w05_c3.onnx, yolox_nano_w05_c3.pt | 8x12x12, 8x6x6, 8x3x3"})
    void familyExportsDecodeToTheirNetworksBoxes(String weights, String sidecar, String exports, String shapes,
                                                 @TempDir Path dir) throws Exception {
        Path pth = dir.resolve(weights);
        try (InputStream in = BackendParityTest.class.getResourceAsStream("/fixtures/" + weights)) {
            Files.write(pth, in.readAllBytes());
        }
        Files.writeString(dir.resolve(weights + ".conf"), sidecar.replace(", ", "\n")
                + "\nclasses = [circle, square, triangle]\ninput-size = 96\n");
        List<Detector> others = new java.util.ArrayList<>();
        try (Detector network = Detectors.open(new Storage(new Configuration()), pth.toString(), 2, "cpu",
                ModelFiles.MAX_BYTES_CEILING)) {
            for (String file : exports.split(", ")) {
                others.add(ConstantModelsTest.open(file));
            }
            List<RgbImage> photos = BackEndParity.detectionPhotos();
            RawOutputs out = network.run(network.prepare(photos));
            String[] expected = shapes.split(", ");
            assertThat(out.shapes()).hasNumberOfRows(expected.length);
            for (int o = 0; o < expected.length; o++) {
                String[] chw = expected[o].split("x");
                assertThat(out.shapes()[o]).containsExactly(photos.size(), Integer.parseInt(chw[0]),
                        Integer.parseInt(chw[1]), Integer.parseInt(chw[2]));
            }
            BackEndParity.assertSameOutputsAndBoxes(network, others, photos);
        } finally {
            for (Detector d : others) {
                d.close();
            }
        }
    }
}

package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.model.ModelFiles;
import sparkdet.data.ClassList;
import sparkdet.image.ImageDecoder;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.model.ModelArchive;
import sparkdet.model.ModelSpec;
import sparkdet.model.RawOutputs;
import sparkdet.model.Network;
import sparkdet.model.TestModels;
import sparkdet.model.Weights;
import sparkdet.postprocess.Detection;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/**
 * One network, three back-ends: the width-0.25 YOLOv4-tiny of the PyTorch fixture as sparkdet's
 * model.zip (its .pth loaded by name), as the .pth itself with a sidecar, as ONNX (ONNX Runtime) and
 * as TorchScript (libtorch's JIT),
 * all exported from the same weights by scripts/make_inference_fixtures.py. On real photos the raw
 * outputs agree to float tolerance (the ONNX export folds batch norm into the convolutions) and
 * so do the boxes.
 */
class BackendParityTest {
    private static final List<String> PHOTOS = List.of("dog.jpg", "horses.jpg", "person.jpg");

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

        List<RgbImage> photos = new java.util.ArrayList<>();
        for (String name : PHOTOS) {
            Path p = TestData.require(TestData.DARKNET.resolve(name));
            photos.add(ImageDecoder.decode(Files.readAllBytes(p), name, TestSpark.pixelLimit()));
        }
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
            for (Detector other : List.of(onnx, script)) {
                RawOutputs out = other.run(other.prepare(photos));
                for (int o = 0; o < 2; o++) {
                    assertThat(out.shapes()[o]).as(other.describe()).containsExactly(reference.shapes()[o]);
                    assertThat(out.values()[o]).as(other.describe()).containsExactly(reference.values()[o], within(1e-3f));
                }
            }
            DetectOptions options = new DetectOptions(0.05, 0.45, 100);
            List<List<Detection>> expected = own.detect(photos, options);
            assertThat(expected.stream().mapToInt(List::size).sum()).as("random weights still find boxes").isPositive();
            for (Detector other : List.of(onnx, script)) {
                List<List<Detection>> found = other.detect(photos, options);
                for (int i = 0; i < photos.size(); i++) {
                    assertThat(found.get(i)).hasSameSizeAs(expected.get(i));
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
    }
}

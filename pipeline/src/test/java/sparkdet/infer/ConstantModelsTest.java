package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import sparkdet.model.ModelFiles;
import sparkdet.image.RgbImage;
import sparkdet.io.Storage;
import sparkdet.models.yolox.YoloXLayout;
import sparkdet.postprocess.Detection;

/**
 * The output layouts through ONNX Runtime, on graphs that ignore their input and emit
 * constant outputs (scripts/make_inference_fixtures.py). The expected boxes are worked out by hand
 * from the encoded values: centre (col + sigmoid(0)) x stride, size anchor x exp(t), score
 * sigmoid(obj) x sigmoid(class); for yolov8 the centre-size boxes and class scores as written; for
 * yolox centre (col + t) x stride, size exp(t) x stride.
 */
class ConstantModelsTest {
    static final Path FIXTURES = Path.of("src/test/resources/fixtures/infer").toAbsolutePath();
    private static final double PIXEL = 1e-3;

    static Detector open(String file) throws Exception {
        return Detectors.open(new Storage(new Configuration()), FIXTURES.resolve(file).toString(), 1, "cpu",
                ModelFiles.MAX_BYTES_CEILING);
    }

    static RgbImage grey(int width, int height) {
        byte[] rgb = new byte[width * height * 3];
        Arrays.fill(rgb, (byte) 90);
        return new RgbImage(width, height, rgb);
    }

    @Test
    void yoloAnchorHeadsDecodeToTheEncodedBoxes() throws Exception {
        try (Detector d = open("heads_constant.onnx")) {
            assertThat(d.classes()).containsExactly("cat", "dog");
            assertThat(d.spec().inputSize()).as("from the model's input shape").isEqualTo(64);
            // a 64x64 picture fills the input: input pixels are picture pixels
            List<Detection> found = d.detect(List.of(grey(64, 64)), new DetectOptions(0.5, 0.45, 100)).get(0);
            assertThat(found).hasSize(2);
            // A: P5 (stride 32) row 0 col 1, anchor 4 (135x169): centre (48, 16), clipped to the picture
            expect(found.get(0), 1, 1.0, 0, 0, 64, 64);
            // B: P4 (stride 16) row 2 col 1, anchor 1 (23x27) twice as wide: centre (24, 40), 46 x 27
            expect(found.get(1), 0, 1.0, 1, 26.5, 47, 53.5);

            List<Detection> low = d.detect(List.of(grey(64, 64)), new DetectOptions(0.2, 0.45, 100)).get(0);
            assertThat(low).hasSize(3);
            // C: P4 row 3 col 3, anchor 3 (81x82), objectness and class at sigmoid(0): score 0.25
            expect(low.get(2), 0, 0.25, 15.5, 15, 64, 64);
        }
    }

    @Test
    void boxesGoBackThroughTheLetterboxToThePicturesPixels() throws Exception {
        try (Detector d = open("heads_constant.onnx")) {
            // 128x64 -> scale 0.5, picture 64x32 at y offset 16: x' = x / 0.5, y' = (y - 16) / 0.5
            List<List<Detection>> both = d.detect(List.of(grey(128, 64), grey(64, 64)),
                    new DetectOptions(0.5, 0.45, 100));
            assertThat(both).hasSize(2);
            expect(both.get(0).get(1), 0, 1.0, 2, 21, 94, 64);
            expect(both.get(1).get(1), 0, 1.0, 1, 26.5, 47, 53.5);
        }
    }

    /** YOLOv5's box equations: offsets 2*sigmoid - 0.5 in cells, sizes (2*sigmoid)^2 anchors */
    @Test
    void yolov5HeadsDecodeToTheEncodedBoxes() throws Exception {
        try (Detector d = open("yolov5_constant.onnx")) {
            List<Detection> found = d.detect(List.of(grey(64, 64)), new DetectOptions(0.5, 0.45, 100)).get(0);
            assertThat(found).hasSize(2);
            // A: P5 row 1 col 0, anchor 6 (24x32): centre (16, 48)
            expect(found.get(0), 0, 1.0, 4, 32, 28, 64);
            // B: P3 row 3 col 4, anchor 1 (8x8): offsets 1.5 and -0.5 cells, four times as wide: centre (44, 20)
            expect(found.get(1), 1, 1.0, 28, 16, 60, 24);
            List<Detection> low = d.detect(List.of(grey(64, 64)), new DetectOptions(0.2, 0.45, 100)).get(0);
            assertThat(low).hasSize(3);
            // C: P4 row 2 col 1, anchor 5 (20x24), objectness and class at sigmoid(0)
            expect(low.get(2), 0, 0.25, 14, 28, 34, 52);
        }
    }

    @Test
    void ultralyticsLayoutTakesTheBestClassScore() throws Exception {
        try (Detector d = open("yolov8_constant.onnx")) {
            assertThat(d.classes()).containsExactly("cat", "dog");
            List<Detection> found = d.detect(List.of(grey(64, 64)), new DetectOptions(0.25, 0.45, 100)).get(0);
            assertThat(found).hasSize(2);
            expect(found.get(0), 1, 0.9, 12, 18, 28, 42);
            expect(found.get(1), 0, 0.6, 46, 6, 54, 14);
            assertThat(d.detect(List.of(grey(64, 64)), new DetectOptions(0.25, 0.45, 1)).get(0)).hasSize(1);
            assertThat(d.detect(List.of(grey(64, 64)), new DetectOptions(0.7, 0.45, 100)).get(0)).hasSize(1);
        }
    }

    /** scripts/make_inference_fixtures.py's yolox_constant: the boxes worked out there by hand */
    @Test
    void yoloxLayoutDecodesTheEncodedBoxes() throws Exception {
        try (Detector d = open("yolox_constant.onnx")) {
            assertThat(d.classes()).containsExactly("cat", "dog");
            // the layout's pixels where the sidecar says none: the reference's ImageNet mean and std
            assertThat(d.spec().pixels().mean()).containsExactly(YoloXLayout.PIXELS.mean());
            assertThat(d.spec().pixels().std()).containsExactly(YoloXLayout.PIXELS.std());
            assertThat(d.spec().pixels().scale()).isEqualTo(1.0 / 255);
            List<Detection> found = d.detect(List.of(grey(64, 64)), new DetectOptions(0.5, 0.45, 100)).get(0);
            assertThat(found).hasSize(2);
            // A: stride 8, row 2, col 3, offsets (0.5, 0.25), twice a stride wide
            expect(found.get(0), 0, 1.0, 20, 14, 36, 22);
            // B: stride 32, row 1, col 0, offsets (0.5, 0.5), one stride square; dog at sigmoid(10)
            expect(found.get(1), 1, 0.999954602, 0, 32, 32, 64);

            List<Detection> low = d.detect(List.of(grey(64, 64)), new DetectOptions(0.2, 0.45, 100)).get(0);
            assertThat(low).hasSize(3);
            // C: stride 16, row 3, col 2, objectness and class at sigmoid(0): score 0.25
            expect(low.get(2), 0, 0.25, 24, 40, 40, 56);
        }
    }

    private static void expect(Detection d, int cls, double score, double x1, double y1, double x2, double y2) {
        assertThat(d.classIndex()).isEqualTo(cls);
        assertThat((double) d.score()).isCloseTo(score, within(1e-6));
        assertThat(new double[] {d.x1(), d.y1(), d.x2(), d.y2()}).containsExactly(new double[] {x1, y1, x2, y2},
                within(PIXEL));
    }
}

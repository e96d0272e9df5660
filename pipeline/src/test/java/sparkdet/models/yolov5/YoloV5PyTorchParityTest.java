package sparkdet.models.yolov5;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import sparkdet.model.LoadReport;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;

/**
 * The Java YOLOv5 against the network of bubbliiiing/yolov5-pytorch written out in PyTorch
 * (scripts/make_yolov5_fixture.py, which checks its classes against the repository's own when given
 * a checkout): phi 's' at width 0.25 (base channels 8, one bottleneck per C3), 3 classes, 64 x 64.
 */
class YoloV5PyTorchParityTest {
    @Test
    void referencePthLoadsByNameWithEveryTensorMatched() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            YoloV5 model = V5Fixtures.VARIANT.newModel(V5Fixtures.CLASSES, V5Fixtures.WIDTH);
            Map<String, Tensor> file = V5Fixtures.tensors(V5Fixtures.WEIGHTS);
            LoadReport report = Weights.loadMatching(model, V5Fixtures.bytes(V5Fixtures.WEIGHTS), V5Fixtures.WEIGHTS,
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).isEmpty();
            assertThat(report.unused()).isEmpty();
            assertThat(report.loaded()).containsExactlyElementsOf(file.keySet());
            assertThat(report.loaded()).hasSize(model.stateDict().size())
                    .contains("backbone.stem.conv.conv.weight", "backbone.dark5.1.cv2.bn.running_var",
                            "backbone.dark3.1.m.0.cv2.conv.weight", "conv3_for_downsample2.cv3.bn.num_batches_tracked",
                            "yolo_head_P3.weight", "yolo_head_P5.bias");
            // values too: a float16 tensor of the file, in the model as float32
            Tensor fromFile = file.get("backbone.dark2.0.conv.weight").toType(ScalarType.Float);
            assertThat(model.stateDict().get("backbone.dark2.0.conv.weight").equal(fromFile)).isTrue();
        }
    }

    @Test
    void otherClassCountLoadsAllButTheHeads() {
        try (PointerScope scope = new PointerScope()) {
            YoloV5 model = V5Fixtures.VARIANT.newModel(5, V5Fixtures.WIDTH);
            LoadReport report = Weights.loadMatching(model, V5Fixtures.bytes(V5Fixtures.WEIGHTS), V5Fixtures.WEIGHTS,
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).extracting(LoadReport.Skipped::toString).containsExactlyInAnyOrder(
                    "yolo_head_P3.weight: file [24, 32, 1, 1], model [30, 32, 1, 1] (class count changed)",
                    "yolo_head_P3.bias: file [24], model [30] (class count changed)",
                    "yolo_head_P4.weight: file [24, 64, 1, 1], model [30, 64, 1, 1] (class count changed)",
                    "yolo_head_P4.bias: file [24], model [30] (class count changed)",
                    "yolo_head_P5.weight: file [24, 128, 1, 1], model [30, 128, 1, 1] (class count changed)",
                    "yolo_head_P5.bias: file [24], model [30] (class count changed)");
        }
    }

    /** eval mode, plain and with the batch norms folded into the convolutions */
    @Test
    void outputsEqualPyTorchsInEvalMode() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = V5Fixtures.tensors(V5Fixtures.IO);
            YoloV5 model = V5Fixtures.model();
            model.eval();
            long[][] shapes = {{3, 24, 2, 2}, {3, 24, 4, 4}, {3, 24, 8, 8}};
            for (boolean folded : new boolean[] {false, true}) {
                if (folded) {
                    model.foldForInference();
                }
                Tensor[] out = model.forward(io.get("input"));
                assertThat(out).hasSize(3);
                for (int i = 0; i < 3; i++) {
                    assertThat(out[i].sizes().vec().get()).containsExactly(shapes[i]);
                    Tensor expected = io.get("out" + i);
                    double d = out[i].sub(expected).abs().max().item_double();
                    System.out.printf("out%d (%s%s): max |Java - PyTorch| %.3g, max |PyTorch| %.3g%n", i,
                            new String[] {"P5", "P4", "P3"}[i], folded ? ", folded" : "", d,
                            expected.abs().max().item_double());
                    assertThat(d).as("out%d%s", i, folded ? " folded" : "").isLessThan(1e-4);
                }
                float[][] plain = model.predict(floats(io.get("input")), 3, V5Fixtures.SIZE, V5Fixtures.SIZE).values();
                for (int i = 0; i < 3; i++) {
                    assertThat(plain[i]).containsExactly(floats(out[i]));
                }
            }
        }
    }

    @Test
    void fullSizeSParameterNamesAndShapesEqualTheReferences() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            List<String> expected = new String(V5Fixtures.bytes(V5Fixtures.FULL_S_NAMES), StandardCharsets.UTF_8)
                    .lines().toList();
            YoloV5 model = YoloV5Variant.S.newModel(80, 1.0);
            List<String> actual = new java.util.ArrayList<>();
            shapes(model.stateDict()).forEach((k, v) -> actual.add(k + " " + v));
            assertThat(expected).hasSize(360);
            assertThat(actual).containsExactlyElementsOf(expected);
        }
    }

    private static Map<String, List<Long>> shapes(Map<String, Tensor> tensors) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, Arrays.stream(v.sizes().vec().get()).boxed().toList()));
        return out;
    }

    static float[] floats(Tensor t) {
        Tensor c = t.toType(ScalarType.Float).contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }
}

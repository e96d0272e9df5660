package sparkdet.models.yolov4tiny;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import sparkdet.model.Fixtures;
import sparkdet.model.LoadReport;
import sparkdet.model.ModelFiles;
import sparkdet.model.Network;
import sparkdet.model.Weights;

/** The Java network against the same network written in PyTorch (scripts/make_yolov4_tiny_fixture.py). */
class YoloV4TinyPyTorchParityTest {
    @Test
    void stateDictNamesAndShapesEqualPyTorchs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> file = Fixtures.tensors(Fixtures.WEIGHTS);
            YoloV4Tiny model = new YoloV4Tiny(Fixtures.CLASSES, Fixtures.WIDTH, Attention.NONE);
            assertThat(shapes(model.stateDict())).containsExactlyEntriesOf(shapes(file));
            assertThat(model.stateDict()).containsKeys("backbone.conv1.conv.weight", "backbone.conv1.bn.running_mean",
                    "backbone.resblock_body1.conv2.conv.weight", "conv_for_P5.bn.num_batches_tracked",
                    "yolo_headP5.0.conv.weight", "yolo_headP5.1.weight", "yolo_headP5.1.bias",
                    "upsample.upsample.0.conv.weight", "yolo_headP4.1.bias");
        }
    }

    @Test
    void loadedPthReproducesPyTorchOutputsInEvalMode() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = Fixtures.tensors(Fixtures.IO);
            Network model = Fixtures.model();
            model.eval();
            Tensor[] out = model.forward(io.get("input"));
            assertThat(out[0].sizes().vec().get()).containsExactly(2, 24, 2, 2);
            assertThat(out[1].sizes().vec().get()).containsExactly(2, 24, 4, 4);
            double d0 = out[0].sub(io.get("out0")).abs().max().item_double();
            double d1 = out[1].sub(io.get("out1")).abs().max().item_double();
            System.out.printf("max |Java - PyTorch|: P5 %.3g, P4 %.3g%n", d0, d1);
            assertThat(d0).isLessThan(1e-4);
            assertThat(d1).isLessThan(1e-4);

            float[][] plain = model.predict(floats(io.get("input")), 2, 64, 64).values();
            assertThat(plain[0]).hasSize(2 * 24 * 2 * 2).containsExactly(floats(out[0]));
            assertThat(plain[1]).hasSize(2 * 24 * 4 * 4).containsExactly(floats(out[1]));
        }
    }

    @Test
    void otherClassCountLoadsAllButTheHeadOutputs() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            YoloV4Tiny model = new YoloV4Tiny(5, Fixtures.WIDTH, Attention.NONE);
            LoadReport report = Weights.loadMatching(model, Fixtures.bytes(Fixtures.WEIGHTS), Fixtures.WEIGHTS,
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).extracting(LoadReport.Skipped::toString).containsExactlyInAnyOrder(
                    "yolo_headP5.1.weight: file [24, 128, 1, 1], model [30, 128, 1, 1] (class count changed)",
                    "yolo_headP5.1.bias: file [24], model [30] (class count changed)",
                    "yolo_headP4.1.weight: file [24, 64, 1, 1], model [30, 64, 1, 1] (class count changed)",
                    "yolo_headP4.1.bias: file [24], model [30] (class count changed)");
            assertThat(report.loaded()).hasSize(model.stateDict().size() - 4);
            assertThat(report.unused()).isEmpty();
            Tensor fromFile = Fixtures.tensors(Fixtures.WEIGHTS).get("backbone.conv2.conv.weight");
            assertThat(model.stateDict().get("backbone.conv2.conv.weight").equal(fromFile.toType(
                    ScalarType.Float))).isTrue();
        }
    }

    @Test
    void legacyFormatReadsWithDtypesAndViews() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            Map<String, Tensor> t = Fixtures.tensors(Fixtures.LEGACY);
            assertThat(t.keySet()).containsExactly("a.weight", "a.half", "a.double", "b.num_batches_tracked", "b.view");
            assertThat(values(t.get("a.weight"))).containsExactly(0, 0.25, 0.5, 0.75, 1, 1.25);
            assertThat(t.get("a.weight").sizes().vec().get()).containsExactly(2, 3);
            assertThat(values(t.get("a.half"))).containsExactly(0.5, -2);
            assertThat(t.get("a.half").scalar_type().value).isEqualTo(ScalarType.Half.value);
            assertThat(values(t.get("a.double"))).containsExactly(1.25);
            assertThat(t.get("b.num_batches_tracked").dim()).isZero();
            assertThat(t.get("b.num_batches_tracked").item_long()).isEqualTo(42);
            assertThat(values(t.get("b.view"))).containsExactly(2, 4, 6);
        }
    }

    private static Map<String, List<Long>> shapes(Map<String, Tensor> tensors) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, Arrays.stream(v.sizes().vec().get()).boxed().toList()));
        return out;
    }

    private static float[] floats(Tensor t) {
        Tensor c = t.contiguous();
        float[] out = new float[(int) c.numel()];
        c.data_ptr_float().get(out);
        return out;
    }

    private static double[] values(Tensor t) {
        Tensor d = t.toType(ScalarType.Double).contiguous().view(-1);
        double[] out = new double[(int) d.numel()];
        d.data_ptr_double().get(out);
        return out;
    }
}

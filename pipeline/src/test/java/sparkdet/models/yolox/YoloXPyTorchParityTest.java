package sparkdet.models.yolox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
 * The Java YOLOX against the network of bubbliiiing/yolox-pytorch written out in PyTorch
 * (scripts/make_yolox_fixture.py, which checks its classes against the repository's own when given
 * a checkout): phi 'nano' (depthwise) at width 0.5 (base channels 8, one bottleneck per CSPLayer),
 * 3 classes, 64 x 64; and the full-size 's' network's state-dict names and shapes.
 */
class YoloXPyTorchParityTest {
    @Test
    void referencePthLoadsByNameWithEveryTensorMatched() throws Exception {
        try (PointerScope scope = new PointerScope()) {
            YoloX model = XFixtures.VARIANT.newModel(XFixtures.CLASSES, XFixtures.WIDTH);
            Map<String, Tensor> file = XFixtures.tensors(XFixtures.WEIGHTS);
            LoadReport report = Weights.loadMatching(model, XFixtures.bytes(XFixtures.WEIGHTS), XFixtures.WEIGHTS,
                    ModelFiles.MAX_BYTES_CEILING);
            assertThat(report.skipped()).isEmpty();
            assertThat(report.unused()).isEmpty();
            assertThat(report.loaded()).containsExactlyElementsOf(file.keySet());
            assertThat(report.loaded()).hasSize(model.stateDict().size())
                    .contains("backbone.backbone.stem.conv.conv.weight", "backbone.backbone.dark2.0.dconv.conv.weight",
                            "backbone.backbone.dark5.1.conv2.bn.running_var", "backbone.C3_n4.m.0.conv2.pconv.bn.bias",
                            "backbone.bu_conv1.pconv.conv.weight", "head.cls_convs.2.1.dconv.bn.num_batches_tracked",
                            "head.obj_preds.0.bias", "head.stems.1.conv.weight");
            // values too: a float16 tensor of the file, in the model as float32
            String name = "backbone.backbone.dark3.1.m.0.conv2.dconv.conv.weight";
            assertThat(model.stateDict().get(name).equal(file.get(name).toType(ScalarType.Float))).isTrue();
        }
    }

    @Test
    void otherClassCountLoadsAllButTheClassPredictions() {
        try (PointerScope scope = new PointerScope()) {
            YoloX model = XFixtures.VARIANT.newModel(5, XFixtures.WIDTH);
            LoadReport report = Weights.loadMatching(model, XFixtures.bytes(XFixtures.WEIGHTS), XFixtures.WEIGHTS,
                    ModelFiles.MAX_BYTES_CEILING);
            List<String> skipped = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                skipped.add("head.cls_preds." + i + ".weight: file [3, 32, 1, 1], model [5, 32, 1, 1] (class count changed)");
                skipped.add("head.cls_preds." + i + ".bias: file [3], model [5] (class count changed)");
            }
            assertThat(report.skipped()).extracting(LoadReport.Skipped::toString).containsExactlyInAnyOrderElementsOf(skipped);
        }
    }

    /** eval mode, plain and with the batch norms folded into the (depthwise and pointwise) convolutions */
    @Test
    void outputsEqualPyTorchsInEvalMode() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = XFixtures.tensors(XFixtures.IO);
            YoloX model = XFixtures.model();
            model.eval();
            long[][] shapes = {{3, 8, 8, 8}, {3, 8, 4, 4}, {3, 8, 2, 2}};
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
                    System.out.printf("out%d (stride %d%s): max |Java - PyTorch| %.3g, max |PyTorch| %.3g%n", i, 8 << i,
                            folded ? ", folded" : "", d, expected.abs().max().item_double());
                    assertThat(d).as("out%d%s", i, folded ? " folded" : "").isLessThan(1e-4);
                }
                float[][] plain = model.predict(XFixtures.floats(io.get("input")), 3, XFixtures.SIZE, XFixtures.SIZE)
                        .values();
                for (int i = 0; i < 3; i++) {
                    assertThat(plain[i]).containsExactly(XFixtures.floats(out[i]));
                }
            }
        }
    }

    /** train mode (batch statistics) in float64, the outputs the loss fixture starts from */
    @Test
    void outputsEqualPyTorchsInTrainModeInFloat64() throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = XFixtures.tensors(XFixtures.IO);
            YoloX model = XFixtures.model();
            model.to(ScalarType.Double, false);
            model.train(true);
            Tensor[] out = model.forward(io.get("input").toType(ScalarType.Double));
            for (int i = 0; i < 3; i++) {
                double d = out[i].sub(io.get("train_out" + i)).abs().max().item_double();
                System.out.printf("train_out%d: max |Java - PyTorch| %.3g%n", i, d);
                assertThat(d).isLessThan(1e-9);
            }
        }
    }

    @Test
    void fullSizeSParameterNamesAndShapesEqualTheReferences() {
        try (PointerScope scope = new PointerScope()) {
            List<String> expected = new String(XFixtures.bytes(XFixtures.FULL_S_NAMES), StandardCharsets.UTF_8)
                    .lines().toList();
            YoloX model = YoloXVariant.S.newModel(80, 1.0);
            List<String> actual = new ArrayList<>();
            model.stateDict().forEach((k, v) -> actual.add(k + " " + java.util.Arrays.toString(v.sizes().vec().get())));
            assertThat(actual).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theBackboneAndNeckFreezeAndTheHeadDoesNot() {
        try (PointerScope scope = new PointerScope()) {
            YoloX model = XFixtures.VARIANT.newModel(XFixtures.CLASSES, XFixtures.WIDTH);
            model.setFrozen(true);
            model.namedParameters().forEach((name, p) -> assertThat(p.requires_grad()).as(name)
                    .isEqualTo(name.startsWith("head.")));
        }
    }
}

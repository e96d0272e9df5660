package sparkdet.models.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import sparkdet.model.Fixtures;
import sparkdet.model.ModelFiles;
import sparkdet.model.Weights;
import sparkdet.models.segmentation.FormulaWeights;

/**
 * The full-size Java network against bubbliiiing/unet-pytorch's Unet(3, backbone=...) as
 * scripts/make_unet_fixture.py builds it (checked there against the repository's own): its
 * state-dict names, shapes and order, a PyTorch-written .pth loaded by name, and the logits from the
 * same weights (scripts/formula_weights.py, which {@link FormulaWeights} computes too) in eval mode,
 * after folding and in train mode (batch statistics), to 1e-4.
 */
class UNetPyTorchParityTest {
    private static final int CLASSES = 3;

    @ParameterizedTest
    @EnumSource(UNetBackbone.class)
    void stateDictNamesShapesAndOrderEqualTheReferences(UNetBackbone backbone) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            UNet model = backbone.newModel(CLASSES);
            Map<String, Tensor> reference = Fixtures.tensors(positions(backbone));
            assertThat(new ArrayList<>(shapes(model.stateDict()).entrySet()))
                    .containsExactlyElementsOf(shapes(reference).entrySet());
            assertThat(reference).hasSize(backbone == UNetBackbone.VGG ? 44 : 340);
        }
    }

    /** each tensor of the file holds its position: loading by name puts every one where the reference has it */
    @ParameterizedTest
    @EnumSource(UNetBackbone.class)
    void pthLoadsByNameIntoTheReferencesTensors(UNetBackbone backbone) throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            UNet model = backbone.newModel(CLASSES);
            Weights.load(model, Fixtures.bytes(positions(backbone)), positions(backbone), ModelFiles.MAX_BYTES_CEILING);
            List<String> names = new ArrayList<>(model.stateDict().keySet());
            for (int p = 0; p < names.size(); p++) {
                Tensor t = model.stateDict().get(names.get(p));
                assertThat(t.min().item_double()).as(names.get(p)).isEqualTo(p);
                assertThat(t.max().item_double()).as(names.get(p)).isEqualTo(p);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(UNetBackbone.class)
    void logitsEqualTheReferencesInEvalModeFoldedAndInTrainMode(UNetBackbone backbone) throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            String name = "unet_" + backbone.variant() + "_c3";
            Map<String, Tensor> io = Fixtures.tensors(name + "_io.pt");
            List<String> referenceNames = new ArrayList<>(Fixtures.tensors(positions(backbone)).keySet());
            UNet model = backbone.newModel(CLASSES);
            FormulaWeights.fill(model, referenceNames);
            double[] sums = doubles(io.get("weight_sums"));
            for (int p = 0; p < referenceNames.size(); p++) {
                Tensor t = model.stateDict().get(referenceNames.get(p));
                if (t.is_floating_point()) {
                    assertThat(t.toType(ScalarType.Double).sum().item_double()).as("formula weights of %s", referenceNames.get(p))
                            .isCloseTo(sums[p], within(1e-4));
                }
            }
            Tensor input = io.get("input");
            model.eval();
            Tensor eval = model.forward(input)[0];
            assertThat(eval.sizes().vec().get()).containsExactly(2, CLASSES, 64, 64);
            assertClose("eval", eval, io.get("eval"));
            model.foldForInference();
            assertClose("eval, folded", model.forward(input)[0], io.get("eval"));
            // in float64: batch statistics over layer4's 2 x 2 x 2 values amplify float32 rounding to near
            // 1e-4; eval mode has checked the float32 network
            model.to(ScalarType.Double, false);
            model.train(true);
            assertClose("train", model.forward(input.toType(ScalarType.Double))[0], io.get("train"));
        }
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        double difference = actual.sub(expected).abs().max().item_double();
        System.out.printf("max |Java - PyTorch| %s: %.3g%n", what, difference);
        assertThat(difference).as(what).isLessThan(1e-4);
    }

    private static String positions(UNetBackbone backbone) {
        return "unet_" + backbone.variant() + "_c3_positions.pth";
    }

    private static Map<String, List<Long>> shapes(Map<String, Tensor> tensors) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        tensors.forEach((k, v) -> out.put(k, Arrays.stream(v.sizes().vec().get()).boxed().toList()));
        return out;
    }

    private static double[] doubles(Tensor t) {
        Tensor c = t.contiguous();
        double[] out = new double[(int) c.numel()];
        c.data_ptr_double().get(out);
        return out;
    }
}

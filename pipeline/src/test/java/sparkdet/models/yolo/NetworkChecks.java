package sparkdet.models.yolo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.SGD;
import org.bytedeco.pytorch.SGDOptions;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import sparkdet.model.Fixtures;
import sparkdet.model.LoadReport;
import sparkdet.model.Loss;
import sparkdet.model.ModelFamily;
import sparkdet.model.ModelFiles;
import sparkdet.model.ModelSpec;
import sparkdet.model.Network;
import sparkdet.model.Targets;
import sparkdet.model.TrainingStep;
import sparkdet.model.Weights;

/** The checks the anchor-based YOLO families' tests make of their networks and losses, written once. */
public final class NetworkChecks {
    private static final String[] OUTPUT_NAMES = {"P5", "P4", "P3"};

    private NetworkChecks() {
    }

    /**
     * The network's eval-mode outputs of the fixture's input equal the fixture's outputs ("out0"...)
     * to 1e-4, plain and then with the batch norms folded into the convolutions.
     *
     * @param shapes each output's expected shape
     */
    public static void outputsEqualPyTorchsInEvalMode(Network model, Map<String, Tensor> io, long[][] shapes) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            model.eval();
            for (boolean folded : new boolean[] {false, true}) {
                if (folded) {
                    model.foldForInference();
                }
                Tensor[] out = model.forward(io.get("input"));
                assertThat(out).hasSize(shapes.length);
                for (int i = 0; i < shapes.length; i++) {
                    assertThat(out[i].sizes().vec().get()).containsExactly(shapes[i]);
                    Tensor expected = io.get("out" + i);
                    double d = out[i].sub(expected).abs().max().item_double();
                    System.out.printf("out%d (%s%s): max |Java - PyTorch| %.3g, max |PyTorch| %.3g%n", i,
                            OUTPUT_NAMES[i], folded ? ", folded" : "", d, expected.abs().max().item_double());
                    assertThat(d).as("out%d%s", i, folded ? " folded" : "").isLessThan(1e-4);
                }
            }
        }
    }

    /** every state-dict entry as "name [shape]", in order, equals the reference's list */
    public static void namesAndShapesEqual(Network model, List<String> expected) {
        List<String> actual = new ArrayList<>();
        model.stateDict().forEach((k, v) -> actual.add(k + " " + Arrays.toString(v.sizes().vec().get())));
        assertThat(actual).containsExactlyElementsOf(expected);
    }

    /**
     * A state dict written by PyTorch loads into the network by name with every tensor matched (none
     * skipped, none unused), in the file's order, float16 values exactly as float32.
     *
     * @param someNames names the file must hold (the reference's module paths)
     */
    public static void loadsEveryTensorByName(Network model, String file, int tensors, String... someNames)
            throws Exception {
        Map<String, Tensor> inFile = Fixtures.tensors(file);
        LoadReport report = Weights.loadMatching(model, Fixtures.bytes(file), file, ModelFiles.MAX_BYTES_CEILING);
        assertThat(report.skipped()).isEmpty();
        assertThat(report.unused()).isEmpty();
        assertThat(report.loaded()).containsExactlyElementsOf(inFile.keySet());
        assertThat(report.loaded()).hasSize(model.stateDict().size()).hasSize(tensors).contains(someNames);
        Map<String, Tensor> loaded = model.stateDict();
        inFile.forEach((name, t) -> assertThat(loaded.get(name).equal(t.toType(ScalarType.Float))).as(name).isTrue());
    }

    /** the file loads into a network of another class count but for the head output convolutions, which it names */
    public static void otherClassCountSkipsOnlyTheHeadOutputs(Network model, String file, int tensors,
            String... skipped) {
        LoadReport report = Weights.loadMatching(model, Fixtures.bytes(file), file, ModelFiles.MAX_BYTES_CEILING);
        assertThat(report.skipped()).extracting(LoadReport.Skipped::toString).containsExactlyInAnyOrder(skipped);
        assertThat(report.loaded()).hasSize(tensors - skipped.length);
    }

    /** the network with a fixture's weights, every tensor loaded */
    public static <N extends Network> N withWeights(N model, String file) {
        LoadReport report = Weights.loadMatching(model, Fixtures.bytes(file), file, ModelFiles.MAX_BYTES_CEILING);
        if (!report.complete() || !report.unused().isEmpty()) {
            throw new IllegalStateException("fixture weights do not fit: " + report);
        }
        return model;
    }

    /**
     * the full-width network's parameter count is the reference's, and a 96 x 64 input gives outputs
     * of those shapes
     */
    public static void hasParametersAndOutputs(Network model, long parameters, long[][] shapes) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            assertThat(model.namedParameters().values().stream().mapToLong(Tensor::numel).sum()).isEqualTo(parameters);
            model.eval();
            Tensor[] out = model.forward(torch.zeros(1, 3, 96, 64));
            assertThat(out).hasSize(shapes.length);
            for (int i = 0; i < shapes.length; i++) {
                assertThat(out[i].sizes().vec().get()).containsExactly(shapes[i]);
            }
        }
    }

    /**
     * A fresh network starts as the repository's train.py starts one without pretrained weights
     * (weights_init, normal, gain 0.02): convolution weights N(0, 0.02), batch-norm weights
     * N(1, 0.02) and biases 0.
     *
     * @param convWeights some convolution weights
     * @param batchNorms some batch norms, by module path
     */
    public static void startsAsTheReferencesWeightsInit(Network model, List<String> convWeights, List<String> batchNorms) {
        Map<String, Tensor> p = model.namedParameters();
        for (String conv : convWeights) {
            assertThat(p.get(conv).std().item_double()).as(conv).isCloseTo(0.02, within(0.002));
            assertThat(p.get(conv).mean().item_double()).as(conv).isCloseTo(0, within(0.002));
        }
        for (String bn : batchNorms) {
            assertThat(p.get(bn + ".weight").mean().item_double()).as(bn).isCloseTo(1, within(0.02));
            assertThat(p.get(bn + ".weight").std().item_double()).as(bn).isCloseTo(0.02, within(0.01));
            assertThat(p.get(bn + ".bias").abs().max().item_double()).as(bn).isZero();
        }
    }

    /**
     * A frozen backbone gets no gradients and an SGD step leaves its parameters bit-identical while
     * the neck and heads move (its batch-norm statistics still update); unfreezing brings the
     * backbone's gradients back.
     *
     * @param stemWeight a backbone parameter every output depends on
     */
    public static void frozenBackboneIsLeftAloneByTheOptimiser(Network model, String stemWeight) {
        try (PointerScope scope = new PointerScope()) {
            model.setFrozen(true);
            Map<String, Tensor> before = Fixtures.snapshot(model);
            SGD sgd = new SGD(new TensorVector(model.namedParameters().values().toArray(new Tensor[0])), new SGDOptions(0.1));
            Tensor[] out = model.forward(torch.rand(2, 3, 64, 64));
            Tensor sum = out[0].pow(new Scalar(2)).mean();
            for (int i = 1; i < out.length; i++) {
                sum = sum.add(out[i].pow(new Scalar(2)).mean());
            }
            sum.backward();
            Map<String, Tensor> params = model.namedParameters();
            params.forEach((name, p) -> assertThat(p.grad().defined()).as(name).isEqualTo(!name.startsWith("backbone.")));
            sgd.step();
            Map<String, Tensor> after = model.stateDict();
            params.keySet().forEach(name -> assertThat(after.get(name).equal(before.get(name))).as(name)
                    .isEqualTo(name.startsWith("backbone.")));
            // the backbone's batch-norm statistics still update in train mode, as in the repositories
            assertThat(after.keySet()).anyMatch(name -> name.startsWith("backbone.") && name.endsWith(".running_mean")
                    && !after.get(name).equal(before.get(name)));

            model.setFrozen(false);
            sgd.zero_grad();
            model.forward(torch.rand(1, 3, 64, 64))[out.length - 1].sum().backward();
            assertThat(params.get(stemWeight).grad().defined()).isTrue();
        }
    }

    /** folding leaves train mode alone: batch statistics, conv then batch norm */
    public static void foldingLeavesTrainModeUnfused(Network model) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor x = torch.rand(2, 3, 64, 64);
            model.train(true);
            Tensor before = model.forward(x)[2].clone();
            model.foldForInference();
            model.train(true);
            assertThat(model.forward(x)[2].sub(before).abs().max().item_double()).isLessThan(1e-4);
        }
    }

    /**
     * The loss of the fixture's outputs ("out0"...) for the boxes, and the sums of absolute values of
     * its gradients with respect to each output, equal the reference's numbers.
     */
    public static void lossEqualsTheReferences(Loss loss, Map<String, Tensor> io, float[][][] boxes, double expected,
            double[] gradAbsSums) {
        try (PointerScope scope = new PointerScope()) {
            Tensor[] out = new Tensor[gradAbsSums.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = io.get("out" + i).requires_grad_(true);
            }
            Loss.Value v = loss.compute(out, new Targets(boxes));
            System.out.printf("loss: Java %.9g, PyTorch %.9g%n", v.value(), expected);
            assertThat((double) v.value()).isCloseTo(expected, within(2e-6));
            v.loss().backward();
            for (int i = 0; i < out.length; i++) {
                double g = out[i].grad().abs().sum().item_double();
                System.out.printf("grad abs sum out%d: Java %.9g, PyTorch %.9g%n", i, g, gradAbsSums[i]);
                assertThat(g).as("out%d", i).isCloseTo(gradAbsSums[i], within(1e-6));
            }
        }
    }

    /**
     * The family's fresh network and loss together: the loss of a tiny batch (three random 64 x 64
     * pictures, the last without boxes, so objectness only) falls below 80 % of its first value in 20
     * SGD steps on that batch alone.
     *
     * @param boxes of the first two pictures
     */
    public static void familyOverfitsATinyBatch(ModelFamily family, ModelSpec spec, float[][][] boxes) {
        try (PointerScope scope = new PointerScope()) {
            torch.manual_seed(11);
            Network model = family.newNetwork(spec);
            float[] images = new float[3 * 3 * 64 * 64];
            Random random = new Random(11);
            for (int i = 0; i < images.length; i++) {
                images[i] = random.nextFloat();
            }
            Targets targets = new Targets(new float[][][] {boxes[0], boxes[1], {}});
            TrainingStep step = new TrainingStep(model, family.newLoss(spec, 0), TrainingStep.Kind.SGD, 0.02, 0.9, 0);
            float first = step.train(images, 64, 64, targets);
            float last = first;
            for (int i = 1; i < 20; i++) {
                last = step.train(images, 64, 64, targets);
                assertThat(last).isFinite().isPositive();
            }
            System.out.printf("overfit: loss %.4f -> %.4f in 20 steps%n", first, last);
            assertThat(last).isLessThan(first * 0.8f);
        }
    }
}

package sparkdet.models.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.StringSharedModuleDict;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import sparkdet.model.Fixtures;
import sparkdet.model.Network;
import sparkdet.models.yolo.NetworkChecks;

/**
 * The files scripts/make_segmentation_fixtures.py wrote with the reference networks, and the checks
 * the segmentation networks' parity tests make with them. The fixtures hold no weights: both sides
 * fill the full-size networks with scripts/formula_weights.py's weights ({@link FormulaWeights}),
 * each tensor's from its position in the reference's state dict, so a Java tensor gets the
 * reference's values only under the reference's name and shape.
 */
public final class SegmentationFixtures {
    public static final int CLASSES = 3;
    /** the class count of the *_positions.pth state dicts */
    public static final int FULL_CLASSES = 21;
    private static final double TOLERANCE = 1e-4;

    private SegmentationFixtures() {
    }

    /** the reference's state-dict names, in its order, of a network such as pspnet_resnet50 */
    private static List<String> referenceNames(String network) throws Exception {
        return List.copyOf(Fixtures.tensors(network + "_positions.pth").keySet());
    }

    /** the model with the formula weights of the reference's network such as pspnet_resnet50 */
    public static void fill(Network model, String network) throws Exception {
        try (PointerScope scope = new PointerScope()) {
            FormulaWeights.fill(model, referenceNames(network));
        }
    }

    /**
     * The network, with the formula weights and moved to the CPU, gives the fixture's outputs to
     * 1e-4: in eval mode, again with the batch norms folded, and in train mode (in float64) with the
     * dropout layers off (batch statistics, then the running statistics they updated).
     *
     * @param network e.g. deeplabv3plus_mobilenetv2
     * @param trainOutputs the fixture's train-mode outputs in the network's order ("train", "train_aux")
     */
    public static void assertMatchesReference(Network model, String network, int downsampleFactor,
            String... trainOutputs) throws Exception {
        String fixture = network + "_df" + downsampleFactor;
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = Fixtures.tensors(fixture + "_io.pt");
            fill(model, network);
            // as training and predict run it on the CPU: convolution weights channels-last
            model.moveTo(new Device(torch.DeviceType.CPU));
            Tensor x = io.get("input");
            model.eval();
            assertOutputs(model.forward(x), io, fixture + " eval", "eval");
            model.foldForInference();
            assertOutputs(model.forward(x), io, fixture + " eval folded", "eval");
            // train mode in float64: through some 50 layers normalised by batch statistics (which keep the
            // activations at unit scale, where eval mode's shrink) float32 rounding grows to ~1e-4, as far
            // as PyTorch's own float32 output is from its float64 one
            model.to(ScalarType.Double, false);
            model.train(true);
            dropoutsOff(model);
            assertOutputs(model.forward(x.toType(ScalarType.Double)), io, fixture + " train", trainOutputs);
            assertRunningStatistics(model, io.get("running_stats"), fixture);
        }
    }

    private static void assertOutputs(Tensor[] out, Map<String, Tensor> io, String label, String... names) {
        assertThat(out).as(label).hasSize(names.length);
        long[] input = io.get("input").sizes().vec().get();
        for (int i = 0; i < names.length; i++) {
            Tensor expected = io.get(names[i]);
            assertThat(out[i].sizes().vec().get()).as(label).containsExactly(input[0], CLASSES, input[2], input[3]);
            double d = out[i].sub(expected).abs().max().item_double();
            System.out.printf("%s %s: max |Java - PyTorch| %.3g, max |PyTorch| %.3g%n", label, names[i], d,
                    expected.abs().max().item_double());
            assertThat(d).as("%s %s", label, names[i]).isLessThan(TOLERANCE);
        }
    }

    /** the dropout layers in eval mode (identity), the rest of the network as it is */
    public static void dropoutsOff(Network model) {
        StringSharedModuleDict modules = model.named_modules();
        for (long i = 0; i < modules.size(); i++) {
            if (modules.get(i).value().name().getString().contains("Dropout")) {
                modules.get(i).value().eval();
            }
        }
    }

    /** each batch norm's mean running_mean and running_var, in state-dict order, equal the reference's */
    private static void assertRunningStatistics(Network model, Tensor expected, String label) {
        Map<String, Tensor> state = model.stateDict();
        List<String> batchNorms = state.keySet().stream().filter(k -> k.endsWith(".running_mean"))
                .map(k -> k.substring(0, k.lastIndexOf('.'))).toList();
        double[] means = new double[(int) expected.numel()];
        expected.contiguous().data_ptr_double().get(means);
        assertThat(means).as(label).hasSize(2 * batchNorms.size());
        for (int i = 0; i < batchNorms.size(); i++) {
            String bn = batchNorms.get(i);
            for (int s = 0; s < 2; s++) {
                Tensor stat = state.get(bn + (s == 0 ? ".running_mean" : ".running_var"));
                double d = Math.abs(stat.toType(ScalarType.Double).mean().item_double() - means[2 * i + s]);
                assertThat(d).as("%s %s statistic %d", label, bn, s).isLessThan(TOLERANCE);
            }
        }
    }

    /**
     * The full-size network's state-dict names and shapes, in order, are the reference's, and the
     * reference's state dict as torch.save wrote it ({@code <network>_positions.pth}, tensor p all
     * p) loads into it by name and shape, every tensor taking its own values.
     *
     * @param network e.g. deeplabv3plus_xception
     */
    public static void assertFullSizeIsTheReferences(Network model, String network) throws Exception {
        Map<String, Tensor> reference = Fixtures.tensors(network + "_positions.pth");
        List<String> expected = reference.entrySet().stream()
                .map(e -> e.getKey() + " " + Arrays.toString(e.getValue().sizes().vec().get())).toList();
        assertThat(expected).isNotEmpty();
        NetworkChecks.namesAndShapesEqual(model, expected);
        List<String> names = List.copyOf(reference.keySet());
        NetworkChecks.loadsEveryTensorByName(model, network + "_positions.pth", names.size(), names.get(0),
                names.get(names.size() - 1));
    }

    /**
     * A fresh network's frozen backbone gets no gradients (so the optimiser leaves it as it is) while every other
     * weight does; unfreezing brings its gradients back. (Not the YOLO networks' SGD-step check: the
     * biases of convolutions before a batch norm get zero gradients in train mode and stay.)
     */
    public static void assertFrozenBackboneGetsNoGradients(Network model) {
        try (PointerScope scope = new PointerScope()) {
            model.train(true);
            for (boolean frozen : new boolean[] {true, false}) {
                model.setFrozen(frozen);
                Map<String, Tensor> params = model.namedParameters();
                Tensor loss = torch.zeros(1);
                for (Tensor out : model.forward(torch.rand(2, 3, 64, 48))) {
                    loss = loss.add(out.pow(new Scalar(2)).mean());
                }
                loss.backward();
                params.forEach((name, p) -> assertThat(p.grad().defined()).as("%s frozen %s", name, frozen)
                        .isEqualTo(!frozen || !name.startsWith("backbone.")));
                assertThat(params.keySet()).anyMatch(name -> name.startsWith("backbone."));
            }
        }
    }
}

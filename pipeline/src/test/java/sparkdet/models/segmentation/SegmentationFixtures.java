package sparkdet.models.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
 * fill the full-size networks from the same formula of each tensor's state-dict name and element
 * index ({@link #fill}), so a Java tensor gets the reference's values only under the reference's
 * name and shape.
 */
public final class SegmentationFixtures {
    public static final int CLASSES = 3;
    public static final long[] INPUT_SHAPE = {2, 3, 64, 48};
    /** the class count of the *_state_dict.txt lists */
    public static final int FULL_CLASSES = 21;
    private static final double TOLERANCE = 1e-4;

    private SegmentationFixtures() {
    }

    /** the script's lowbias32 (Chris Wellons' 32-bit integer hash) */
    static int lowbias32(int x) {
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        x *= 0x846CA68B;
        return x ^ (x >>> 16);
    }

    static int fnv1a32(String name) {
        int h = 0x811C9DC5;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return h;
    }

    /** the script's uniform: n values in [0, 1) from the name and each element's index */
    static double[] uniform(String name, int n) {
        int seed = fnv1a32(name);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Integer.toUnsignedLong(lowbias32(lowbias32(i) ^ seed)) / 4294967296.0;
        }
        return out;
    }

    /**
     * The script's deterministic_weights: every parameter and batch-norm statistic from
     * uniform(name), computed in double as there and rounded to float.
     */
    public static void fill(Network model) {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> state = model.stateDict();
            Set<String> batchNorms = state.keySet().stream().filter(k -> k.endsWith(".running_mean"))
                    .map(k -> k.substring(0, k.lastIndexOf('.'))).collect(Collectors.toSet());
            state.forEach((name, t) -> {
                String module = name.substring(0, name.lastIndexOf('.'));
                String kind = name.substring(name.lastIndexOf('.') + 1);
                if (kind.equals("num_batches_tracked")) {
                    return;
                }
                double[] u = uniform(name, (int) t.numel());
                double fanIn = (double) t.numel() / t.size(0);
                float[] v = new float[u.length];
                for (int i = 0; i < u.length; i++) {
                    v[i] = (float) (batchNorms.contains(module) ? switch (kind) {
                        case "weight" -> 0.5 + 0.5 * u[i];
                        case "running_var" -> 0.5 + u[i];
                        default -> 0.2 * u[i] - 0.1;
                    } : kind.equals("weight") ? (2 * u[i] - 1) * Math.sqrt(6.0 / fanIn) : 0.2 * u[i] - 0.1);
                }
                t.copy_(Tensor.create(v).view(t.sizes().vec().get()));
            });
        }
    }

    /** the script's fixture_input */
    public static Tensor input() {
        int n = (int) (INPUT_SHAPE[0] * INPUT_SHAPE[1] * INPUT_SHAPE[2] * INPUT_SHAPE[3]);
        double[] u = uniform("input", n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) u[i];
        }
        return Tensor.create(v).view(INPUT_SHAPE);
    }

    /**
     * The network, filled as the reference was and moved to the CPU, gives the fixture's outputs to 1e-4: in eval mode,
     * again with the batch norms folded, and in train mode (in float64) with the dropout layers off
     * (batch statistics, then the running statistics they updated).
     *
     * @param fixture the file name before _io.pt, e.g. deeplabv3plus_mobilenetv2_df16
     * @param trainOutputs the fixture's train-mode outputs in the network's order ("train", "train_aux")
     */
    public static void assertMatchesReference(Network model, String fixture, String... trainOutputs)
            throws Exception {
        try (PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Map<String, Tensor> io = Fixtures.tensors(fixture + "_io.pt");
            fill(model);
            // as training and predict run it on the CPU: convolution weights channels-last
            model.moveTo(new Device(torch.DeviceType.CPU));
            Tensor x = input();
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
        for (int i = 0; i < names.length; i++) {
            Tensor expected = io.get(names[i]);
            assertThat(out[i].sizes().vec().get()).as(label).containsExactly(INPUT_SHAPE[0], CLASSES, INPUT_SHAPE[2],
                    INPUT_SHAPE[3]);
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
     * The full-size network's state-dict names and shapes, in order, equal the reference's
     * ({@code <fixture>_state_dict.txt}), and the reference's state dict as torch.save wrote it
     * ({@code <fixture>_indexed.pth}, tensor i all i) loads into it by name and shape, every tensor
     * taking its own values.
     *
     * @param fixture e.g. deeplabv3plus_xception
     */
    public static void assertFullSizeIsTheReferences(Network model, String fixture) throws Exception {
        List<String> expected = new String(Fixtures.bytes(fixture + "_state_dict.txt"), StandardCharsets.UTF_8).lines()
                .toList();
        assertThat(expected).isNotEmpty();
        NetworkChecks.namesAndShapesEqual(model, expected);
        NetworkChecks.loadsEveryTensorByName(model, fixture + "_indexed.pth", expected.size(),
                expected.get(0).split(" ")[0], expected.get(expected.size() - 1).split(" ")[0]);
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

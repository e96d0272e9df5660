package sparkdet.models.segmentation;

import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Network;

/**
 * The weights scripts/formula_weights.py computes for full-size networks whose random weights would
 * not fit in a fixture, element for element the same floats (that file gives the formula): the
 * tensor at position p of the reference's state dict, element i, from an integer hash of p and i,
 * scaled by the tensor's role.
 */
public final class FormulaWeights {
    private static final long MASK = 0xFFFFFFFFL;

    private FormulaWeights() {
    }

    /**
     * fills the model's floating tensors from the formula, each at its position in the reference's
     * state dict
     *
     * @param referenceNames the reference's state-dict names in its order (a fixture's keys)
     */
    public static void fill(Network model, List<String> referenceNames) {
        Map<String, Tensor> state = model.stateDict();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int p = 0; p < referenceNames.size(); p++) {
                String name = referenceNames.get(p);
                Tensor t = state.get(name);
                if (t == null) {
                    throw new IllegalArgumentException("the model has no tensor " + name);
                }
                if (t.is_floating_point()) {
                    long[] shape = t.sizes().vec().get();
                    t.copy_(Tensor.create(values(p, name, shape), shape));
                }
            }
        }
    }

    /** the tensor at a position of the state dict, row-major */
    public static float[] values(int position, String name, long[] shape) {
        double[] range = bounds(name, shape);
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] out = new float[Math.toIntExact(count)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (range[0] + (range[1] - range[0]) * uniform(position, i));
        }
        return out;
    }

    private static double uniform(long position, long element) {
        long h = (position * 0x9E3779B1L + element * 0x85EBCA77L + 0x165667B1L) & MASK;
        h ^= h >>> 15;
        h = (h * 0x2C1B3C6DL) & MASK;
        h ^= h >>> 12;
        h = (h * 0x297A2D39L) & MASK;
        h ^= h >>> 15;
        return (h >>> 8) / (double) (1 << 24);
    }

    private static double[] bounds(String name, long[] shape) {
        if (shape.length == 4) {
            double b = Math.sqrt(6.0 / (shape[1] * shape[2] * shape[3]));
            return new double[] {-b, b};
        }
        if (name.endsWith("running_var")) {
            return new double[] {0.5, 1.5};
        }
        if (name.endsWith("weight") && shape.length == 1) {
            return new double[] {0.5, 1.0};
        }
        return new double[] {-0.1, 0.1};
    }
}

package sparkdet.models.yolov4tiny;

import org.bytedeco.pytorch.LinearImpl;
import org.bytedeco.pytorch.LinearOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * nets/attention.py's se_block (squeeze and excitation, ratio 16): the channel means through an
 * nn.Sequential fc of Linear (no bias) to channels / 16, ReLU, Linear back, sigmoid, scaling the
 * channels. State-dict names fc.0.weight and fc.2.weight.
 */
final class SeBlock extends AttentionBlock {
    private static final int RATIO = 16;

    /** held for its Java peer (libtorch calls back into every module's) */
    private final Module fc;
    private final LinearImpl squeeze;
    private final LinearImpl excite;

    SeBlock(long channels) {
        long hidden = reduced(channels, RATIO);
        fc = register_module("fc", new Module());
        squeeze = fc.register_module("0", new LinearImpl(noBias(channels, hidden)));
        excite = fc.register_module("2", new LinearImpl(noBias(hidden, channels)));
    }

    private static LinearOptions noBias(long in, long out) {
        LinearOptions options = new LinearOptions(in, out);
        options.bias().put(false);
        return options;
    }

    @Override
    Tensor forward(Tensor x) {
        Tensor squeezed = Ops.relu(Ops.linear(squeeze, Ops.view(Ops.meanKeep(x, 2, 3), x.size(0), x.size(1))));
        Tensor weights = Ops.sigmoid(Ops.linear(excite, squeezed));
        return Ops.mul(x, Ops.view(weights, x.size(0), x.size(1), 1, 1));
    }
}

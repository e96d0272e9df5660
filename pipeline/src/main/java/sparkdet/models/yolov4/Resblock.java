package sparkdet.models.yolov4;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * nets/CSPdarknet.py's Resblock: an nn.Sequential named block of a 1x1 BasicConv to {@code hidden}
 * channels and a 3x3 back, the input added.
 */
final class Resblock extends Module {
    /** held for its Java peer (libtorch calls back into every module's) */
    private final Module block;
    private final BasicConv reduce;
    private final BasicConv expand;

    Resblock(long channels, long hidden) {
        block = register_module("block", new Module());
        reduce = block.register_module("0", new BasicConv(channels, hidden, 1));
        expand = block.register_module("1", new BasicConv(hidden, channels, 3));
    }

    Tensor forward(Tensor x) {
        return Ops.add(x, expand.forward(reduce.forward(x)));
    }

    void fuseBatchNorm() {
        reduce.fuseBatchNorm();
        expand.fuseBatchNorm();
    }
}

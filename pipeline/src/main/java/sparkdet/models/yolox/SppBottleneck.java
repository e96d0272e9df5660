package sparkdet.models.yolox;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import sparkdet.models.yolo.Block;

/**
 * The reference's SPPBottleneck: a 1x1 BaseConv to half the channels (conv1), that and its max-pools
 * of 5, 9 and 13 (stride 1, same size) concatenated, a 1x1 BaseConv (conv2). The pools (ModuleList
 * m) hold no state and are not modules here.
 */
final class SppBottleneck extends Block {
    private static final long[] KERNELS = {5, 9, 13};
    private final BaseConv conv1;
    private final BaseConv conv2;

    SppBottleneck(long in, long out) {
        long hidden = in / 2;
        conv1 = register_module("conv1", new BaseConv(in, hidden, 1, 1));
        conv2 = register_module("conv2", new BaseConv(hidden * (KERNELS.length + 1), out, 1, 1));
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = conv1.forward(x);
        TensorVector parts = new TensorVector(y);
        for (long k : KERNELS) {
            parts.push_back(torch.max_pool2d(y, new long[] {k, k}, new long[] {1, 1}, new long[] {k / 2, k / 2},
                    new long[] {1, 1}, false));
        }
        return conv2.forward(torch.cat(parts, 1));
    }

    @Override
    public void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        conv2.fuseBatchNorm();
    }
}

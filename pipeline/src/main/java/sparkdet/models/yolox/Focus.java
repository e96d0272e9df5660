package sparkdet.models.yolox;

import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The reference's stem: the four pixel phases x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2],
 * x[..., 1::2, 1::2] stacked on the channels (3 -> 12, half the height and width), then a 3x3
 * BaseConv (child conv), as in every variant (nano too: the stem is never depthwise).
 */
final class Focus extends Module {
    private final BaseConv conv;

    Focus(long in, long out) {
        conv = register_module("conv", new BaseConv(4 * in, out, 3, 1));
    }

    Tensor forward(Tensor x) {
        return conv.forward(torch.cat(new TensorVector(phase(x, 0, 0), phase(x, 1, 0), phase(x, 0, 1), phase(x, 1, 1)), 1));
    }

    private static Tensor phase(Tensor x, long row, long column) {
        return x.slice(2, new LongOptional(row), new LongOptional(), 2).slice(3, new LongOptional(column), new LongOptional(), 2);
    }

    void fuseBatchNorm() {
        conv.fuseBatchNorm();
    }
}

package sparkdet.models.yolox;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.models.yolo.FoldedConv;

/**
 * The reference's BaseConv (nets/darknet.py): Conv2d without bias, padding (kernel - 1) / 2, optional
 * groups, then BatchNorm2d(eps 0.001, momentum 0.03), then SiLU; children conv and bn. The
 * reference's act child holds no state, so it is a function call here and not a module.
 */
final class BaseConv extends ConvBlock {
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final long stride;
    private final long padding;
    private FoldedConv folded;

    BaseConv(long in, long out, long kernel, long stride, long groups) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        this.padding = (kernel - 1) / 2;
        options.padding().put(new LongPointer(padding, padding));
        options.groups().put(groups);
        options.bias().put(false);
        this.stride = stride;
        conv = register_module("conv", new Conv2dImpl(options));
        BatchNormOptions norm = new BatchNormOptions(out);
        norm.eps().put(0.001);
        norm.momentum().put(0.03);
        bn = register_module("bn", new BatchNorm2dImpl(norm));
    }

    BaseConv(long in, long out, long kernel, long stride) {
        this(in, out, kernel, stride, 1);
    }

    @Override
    Tensor forward(Tensor x) {
        if (folded != null && !is_training()) {
            return torch.silu(folded.forward(x));
        }
        return torch.silu(bn.forward(conv.forward(x)));
    }

    @Override
    void fuseBatchNorm() {
        folded = FoldedConv.of(conv, bn, stride, padding);
    }
}

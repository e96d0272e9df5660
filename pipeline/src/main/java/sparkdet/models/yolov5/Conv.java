package sparkdet.models.yolov5;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.models.yolo.FoldedConv;

/**
 * The reference's Conv (nets/CSPdarknet.py): Conv2d without bias, padding kernel / 2, then
 * BatchNorm2d(eps 0.001, momentum 0.03), then SiLU; children conv and bn. The reference's act
 * child holds no state, so it is a function call here and not a module.
 */
final class Conv extends Module {
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final long stride;
    private final long padding;
    private FoldedConv folded;

    Conv(long in, long out, long kernel, long stride) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.padding().put(new LongPointer(kernel / 2, kernel / 2));
        options.bias().put(false);
        this.stride = stride;
        this.padding = kernel / 2;
        conv = register_module("conv", new Conv2dImpl(options));
        BatchNormOptions norm = new BatchNormOptions(out);
        norm.eps().put(0.001);
        norm.momentum().put(0.03);
        bn = register_module("bn", new BatchNorm2dImpl(norm));
    }

    Conv(long in, long out, long kernel) {
        this(in, out, kernel, 1);
    }

    Tensor forward(Tensor x) {
        if (folded != null && !is_training()) {
            return torch.silu(folded.forward(x));
        }
        return torch.silu(bn.forward(conv.forward(x)));
    }

    /** the batch norm folded into the convolution for eval-mode forward ({@link FoldedConv}) */
    void fuseBatchNorm() {
        folded = FoldedConv.of(conv, bn, stride, padding);
    }
}

package sparkdet.models.yolo;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * What every convolution block of the YOLO repositories starts with: Conv2d without bias (padding
 * kernel / 2) then BatchNorm2d, registered as two children of a parent module under the names the
 * parent gives (so the state-dict names are the parent's), the batch norm foldable into the
 * convolution for eval mode ({@link FoldedConv}). The blocks add their activation: LeakyReLU
 * ({@link ConvBnLeaky}), Mish (YOLOv4's CSPDarknet), SiLU (YOLOv5, YOLOX).
 */
public final class ConvBn {
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final long stride;
    private final long padding;
    private FoldedConv folded;

    /** with PyTorch's batch-norm defaults (eps 1e-5, momentum 0.1) */
    public ConvBn(Module parent, String convName, String bnName, long in, long out, long kernel, long stride) {
        this(parent, convName, bnName, in, out, kernel, stride, new BatchNormOptions(out));
    }

    public ConvBn(Module parent, String convName, String bnName, long in, long out, long kernel, long stride,
            BatchNormOptions norm) {
        this(parent, convName, bnName, in, out, kernel, stride, 1, norm);
    }

    /** @param groups the convolution's groups (in = groups: depthwise, as YOLOX nano's DWConv) */
    public ConvBn(Module parent, String convName, String bnName, long in, long out, long kernel, long stride,
            long groups, BatchNormOptions norm) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.groups().put(groups);
        options.padding().put(new LongPointer(kernel / 2, kernel / 2));
        options.bias().put(false);
        this.stride = stride;
        this.padding = kernel / 2;
        conv = parent.register_module(convName, new Conv2dImpl(options));
        bn = parent.register_module(bnName, new BatchNorm2dImpl(norm));
    }

    /** the normalised convolution, before the activation; folded in eval mode once {@link #fuseBatchNorm} ran */
    public Tensor forward(Tensor x, boolean training) {
        if (folded != null && !training) {
            return folded.forward(x);
        }
        return Ops.batchNorm(bn, Ops.conv(conv, x));
    }

    /**
     * Folds the batch norm's running statistics into the convolution for eval-mode forward, as
     * ONNX exporters do: conv(x, w s) + (beta - mean s), s = gamma / sqrt(var + eps). The
     * parameters are unchanged (state dicts too); train mode still runs conv then batch norm. Call
     * after the weights are final and the module is on its device.
     */
    public void fuseBatchNorm() {
        folded = FoldedConv.of(conv, bn, stride, padding);
    }
}

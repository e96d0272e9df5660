package sparkdet.models.yolo;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.Ops;

/**
 * A bias-free convolution (grouped or not) with the batch norm after it folded in, for eval-mode forward: one
 * convolution with bias, conv(x, w s) + (beta - mean s) with s = gamma / sqrt(var + eps), as ONNX
 * exporters fold them. Made after the weights are final and the modules are on their device; the
 * modules' parameters (and so state dicts) stay as they are.
 */
final class FoldedConv {
    private final Tensor weight;
    private final Tensor bias;
    private final long stride;
    private final long padding;
    private final long groups;

    private FoldedConv(Tensor weight, Tensor bias, long stride, long padding, long groups) {
        this.weight = weight;
        this.bias = bias;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
    }

    static FoldedConv of(Conv2dImpl conv, BatchNorm2dImpl bn, long stride, long padding) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor scale = bn.weight().div(bn.running_var().add(new Scalar(bn.options().eps().get())).sqrt());
            // in the memory format of the weight it replaces (Network.moveTo: channels-last on the CPU)
            Tensor weight = conv.weight().mul(scale.view(-1, 1, 1, 1)).contiguous(
                    conv.weight().is_contiguous(torch.MemoryFormat.ChannelsLast) ? torch.MemoryFormat.ChannelsLast
                            : torch.MemoryFormat.Contiguous);
            Tensor bias = bn.bias().sub(bn.running_mean().mul(scale));
            // fields outlive whatever PointerScope the caller has open
            return new FoldedConv(weight.retainReference(), bias.retainReference(), stride, padding,
                    conv.options().groups().get());
        }
    }

    /** the convolution and batch norm of eval mode, in one */
    Tensor forward(Tensor x) {
        return Ops.conv2d(x, weight, bias, stride, padding, 1, groups);
    }
}

package sparkdet.models.segmentation;

import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.Ops;

/**
 * A convolution, the BatchNorm2d after it and its activation, as every block of the segmentation
 * networks has them: the two modules registered as children of a parent under the names the parent
 * gives (nn.Sequential indices or the reference's attribute names, so the state-dict names are the
 * parent's), the activation holding no state. For eval mode the batch norm folds into the
 * convolution ({@link #fuseBatchNorm}).
 */
public final class ConvBatchNorm {
    /** what follows the batch norm */
    public enum Activation {
        NONE, RELU, RELU6;

        Tensor apply(Tensor x) {
            return switch (this) {
                case NONE -> x;
                case RELU -> Ops.relu(x);
                case RELU6 -> Ops.relu6(x);
            };
        }
    }

    /** PyTorch's BatchNorm2d momentum, which most of the reference's batch norms keep */
    private static final double DEFAULT_MOMENTUM = 0.1;

    private final ConvSpec spec;
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final Activation activation;
    /** weight and bias of the folded convolution, null until {@link #fuseBatchNorm} */
    private Tensor foldedWeight;
    private Tensor foldedBias;

    /** with PyTorch's batch-norm defaults (eps 1e-5, momentum 0.1) */
    public ConvBatchNorm(Module parent, String convName, String bnName, ConvSpec spec, Activation activation) {
        this(parent, convName, bnName, spec, DEFAULT_MOMENTUM, activation);
    }

    public ConvBatchNorm(Module parent, String convName, String bnName, ConvSpec spec, double momentum,
            Activation activation) {
        this.spec = spec;
        this.activation = activation;
        conv = parent.register_module(convName, spec.newModule());
        BatchNormOptions norm = new BatchNormOptions(spec.out());
        norm.momentum().put(momentum);
        bn = parent.register_module(bnName, new BatchNorm2dImpl(norm));
    }

    /** in train mode (of the batch norm: the network's mode) conv then batch norm, in eval mode folded once fused */
    public Tensor forward(Tensor x) {
        Tensor normalised = foldedWeight != null && !bn.is_training()
                ? Ops.conv2d(x, foldedWeight, foldedBias, spec.stride(), spec.padding(), spec.dilation(), spec.groups())
                : Ops.batchNorm(bn, Ops.conv(conv, x));
        return activation.apply(normalised);
    }

    /**
     * Folds the batch norm's running statistics into the convolution for eval-mode forward, as ONNX
     * exporters do: conv(x, w s) + (beta + (b - mean) s), s = gamma / sqrt(var + eps), b the
     * convolution's bias or 0. The parameters (so state dicts) are unchanged, and train mode still
     * runs conv then batch norm. Call after the weights are final and the module is on its device.
     */
    public void fuseBatchNorm() {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor scale = bn.weight().div(bn.running_var().add(new Scalar(bn.options().eps().get())).sqrt());
            Tensor shift = spec.bias() ? conv.bias().sub(bn.running_mean()) : bn.running_mean().neg();
            // in the memory format of the weight it replaces (Network.moveTo: channels-last on the CPU)
            torch.MemoryFormat format = conv.weight().is_contiguous(torch.MemoryFormat.ChannelsLast)
                    ? torch.MemoryFormat.ChannelsLast : torch.MemoryFormat.Contiguous;
            // fields outlive whatever PointerScope the caller has open
            foldedWeight = conv.weight().mul(scale.view(-1, 1, 1, 1)).contiguous(format).retainReference();
            foldedBias = bn.bias().add(shift.mul(scale)).retainReference();
        }
    }
}

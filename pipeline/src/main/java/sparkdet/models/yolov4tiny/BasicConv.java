package sparkdet.models.yolov4tiny;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LeakyReLUImpl;
import org.bytedeco.pytorch.LeakyReLUOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;

/**
 * Conv2d without bias, BatchNorm2d, LeakyReLU(0.1); children named conv, bn and activation as in
 * the YOLO repositories. The slope lives in a module rather than a static Scalar: a native object
 * created while some caller's PointerScope is open is freed when that scope closes.
 */
final class BasicConv extends Module {
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final LeakyReLUImpl activation;
    private final long stride;
    private final long padding;
    private Tensor fusedWeight;
    private Tensor fusedBias;

    BasicConv(long in, long out, long kernel, long stride) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.padding().put(new LongPointer(kernel / 2, kernel / 2));
        this.stride = stride;
        this.padding = kernel / 2;
        options.bias().put(false);
        conv = register_module("conv", new Conv2dImpl(options));
        bn = register_module("bn", new BatchNorm2dImpl(new BatchNormOptions(out)));
        LeakyReLUOptions leaky = new LeakyReLUOptions();
        leaky.negative_slope().put(0.1);
        // in place: autograd needs only LeakyReLU's output, not the BN output it overwrites
        leaky.inplace().put(true);
        activation = register_module("activation", new LeakyReLUImpl(leaky));
    }

    BasicConv(long in, long out, long kernel) {
        this(in, out, kernel, 1);
    }

    Tensor forward(Tensor x) {
        if (fusedWeight != null && !is_training()) {
            return activation.forward(torch.conv2d(x, fusedWeight, new TensorOptional(fusedBias),
                    new long[] {stride, stride}, new long[] {padding, padding}, new long[] {1, 1}, 1));
        }
        return activation.forward(bn.forward(conv.forward(x)));
    }

    /**
     * Folds the batch norm's running statistics into the convolution, for inference: eval-mode
     * forward becomes one convolution with bias, conv(x, w s) + (beta - mean s) with s = gamma /
     * sqrt(var + eps), which ONNX exporters do too. The parameters stay as they are (state dicts are
     * unchanged); train mode still runs conv then batch norm. Call after the weights are final and
     * the module is on its device.
     */
    void fuseBatchNorm() {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor scale = bn.weight().div(bn.running_var().add(new Scalar(bn.options().eps().get())).sqrt());
            Tensor weight = conv.weight().mul(scale.view(-1, 1, 1, 1)).contiguous();
            Tensor bias = bn.bias().sub(bn.running_mean().mul(scale));
            // fields outlive whatever PointerScope the caller has open
            fusedWeight = weight.retainReference();
            fusedBias = bias.retainReference();
        }
    }
}

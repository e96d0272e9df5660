package sparkdet.models.yolo;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.LeakyReLUImpl;
import org.bytedeco.pytorch.LeakyReLUOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Conv2d without bias, BatchNorm2d and LeakyReLU(0.1), registered as three children of a parent
 * module under the names the parent gives: yolo3-pytorch names them conv1/bn1/relu1 in DarkNet's
 * stem and residual blocks, ds_conv/ds_bn/ds_relu in its layers and conv/bn/relu in the neck;
 * yolov4-tiny-pytorch's BasicConv holds conv/bn/activation. Not a
 * module itself, so the state-dict names are the parent's. The slope lives in a module rather than a
 * static Scalar (a native object created in a caller's PointerScope is freed with it); every child
 * is held in a field because libtorch calls back into the Java peer of each module.
 */
public final class ConvBnLeaky {
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final LeakyReLUImpl activation;
    private final long stride;
    private final long padding;
    private FoldedConv folded;

    public ConvBnLeaky(Module parent, String convName, String bnName, String reluName, long in, long out, long kernel,
            long stride) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.padding().put(new LongPointer(kernel / 2, kernel / 2));
        options.bias().put(false);
        this.stride = stride;
        this.padding = kernel / 2;
        conv = parent.register_module(convName, new Conv2dImpl(options));
        bn = parent.register_module(bnName, new BatchNorm2dImpl(new BatchNormOptions(out)));
        LeakyReLUOptions leaky = new LeakyReLUOptions();
        leaky.negative_slope().put(0.1);
        // in place: autograd needs only LeakyReLU's output, not the BN output it overwrites
        leaky.inplace().put(true);
        activation = parent.register_module(reluName, new LeakyReLUImpl(leaky));
    }

    public Tensor forward(Tensor x, boolean training) {
        if (folded != null && !training) {
            return activation.forward(folded.forward(x));
        }
        return activation.forward(bn.forward(conv.forward(x)));
    }

    /**
     * Folds the batch norm's running statistics into the convolution for eval-mode forward, as
     * ONNX exporters do: conv(x, w s) + (beta - mean s), s = gamma / sqrt(var + eps). The
     * parameters are unchanged (state dicts too); train mode still runs conv then batch norm.
     */
    public void fuseBatchNorm() {
        folded = FoldedConv.of(conv, bn, stride, padding);
    }
}

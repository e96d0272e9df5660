package sparkdet.model;

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
 * Conv2d without bias, BatchNorm2d, LeakyReLU(0.1); children named conv, bn and activation as in
 * the YOLO repositories. The slope lives in a module rather than a static Scalar: a native object
 * created while some caller's PointerScope is open is freed when that scope closes.
 */
final class BasicConv extends Module {
    private final Conv2dImpl conv;
    private final BatchNorm2dImpl bn;
    private final LeakyReLUImpl activation;

    BasicConv(long in, long out, long kernel, long stride) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.stride().put(0, stride).put(1, stride);
        options.padding().put(new LongPointer(kernel / 2, kernel / 2));
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
        return activation.forward(bn.forward(conv.forward(x)));
    }
}

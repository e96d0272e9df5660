package sparkdet.models.yolo;

import org.bytedeco.pytorch.LeakyReLUImpl;
import org.bytedeco.pytorch.LeakyReLUOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

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
    private final ConvBn convBn;
    private final LeakyReLUImpl activation;

    public ConvBnLeaky(Module parent, String convName, String bnName, String reluName, long in, long out, long kernel,
            long stride) {
        convBn = new ConvBn(parent, convName, bnName, in, out, kernel, stride);
        LeakyReLUOptions leaky = new LeakyReLUOptions();
        leaky.negative_slope().put(0.1);
        // in place: autograd needs only LeakyReLU's output, not the BN output it overwrites
        leaky.inplace().put(true);
        activation = parent.register_module(reluName, new LeakyReLUImpl(leaky));
    }

    public Tensor forward(Tensor x, boolean training) {
        return Ops.leakyRelu(activation, convBn.forward(x, training));
    }

    /** the batch norm folded into the convolution for eval-mode forward ({@link ConvBn#fuseBatchNorm}) */
    public void fuseBatchNorm() {
        convBn.fuseBatchNorm();
    }
}

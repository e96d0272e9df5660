package sparkdet.models.yolov4tiny;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * A 1x1 BasicConv then nearest 2x upsampling. The repositories wrap both in an nn.Sequential named
 * upsample inside a module named upsample, hence the parameter names upsample.upsample.0.*.
 */
final class UpsampleBlock extends Module {
    /**
     * held although forward never calls it: libtorch calls back into the Java peer of every module
     * (train(), eval()), and a peer only native code references is collected, failing that call
     */
    private final Module sequential;
    private final BasicConv conv;

    UpsampleBlock(long in, long out) {
        sequential = register_module("upsample", new Module());
        conv = sequential.register_module("0", new BasicConv(in, out, 1));
    }

    Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        return torch.upsample_nearest2d(y, y.size(2) * 2, y.size(3) * 2);
    }

    void fuseBatchNorm() {
        conv.fuseBatchNorm();
    }
}

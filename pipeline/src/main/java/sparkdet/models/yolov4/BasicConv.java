package sparkdet.models.yolov4;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ConvBn;

/**
 * nets/CSPdarknet.py's BasicConv: Conv2d without bias, BatchNorm2d, Mish (x tanh(softplus(x))), as
 * children conv, bn and activation. The Mish child holds no state, so it is a function call here.
 */
final class BasicConv extends Module {
    private final ConvBn convBn;

    BasicConv(long in, long out, long kernel, long stride) {
        convBn = new ConvBn(this, "conv", "bn", in, out, kernel, stride);
    }

    BasicConv(long in, long out, long kernel) {
        this(in, out, kernel, 1);
    }

    Tensor forward(Tensor x) {
        return Ops.mish(convBn.forward(x, is_training()));
    }

    void fuseBatchNorm() {
        convBn.fuseBatchNorm();
    }
}

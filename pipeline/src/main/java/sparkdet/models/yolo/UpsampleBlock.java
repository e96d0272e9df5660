package sparkdet.models.yolo;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The Upsample of yolov4-pytorch and yolov4-tiny-pytorch: a 1x1 conv set then nearest 2x upsampling.
 * The repositories wrap both in an nn.Sequential named upsample inside the module, hence the
 * parameter names &lt;module&gt;.upsample.0.*.
 */
public final class UpsampleBlock extends Module {
    /**
     * held although forward never calls it: libtorch calls back into the Java peer of every module
     * (train(), eval()), and a peer only native code references is collected, failing that call
     */
    private final Module sequential;
    private final ConvSet conv;

    public UpsampleBlock(long in, long out) {
        sequential = register_module("upsample", new Module());
        conv = sequential.register_module("0", new ConvSet(in, out, 1));
    }

    public Tensor forward(Tensor x) {
        Tensor y = conv.forward(x);
        return Ops.upsampleNearest(y, y.size(2) * 2, y.size(3) * 2);
    }

    public void fuseBatchNorm() {
        conv.fuseBatchNorm();
    }
}

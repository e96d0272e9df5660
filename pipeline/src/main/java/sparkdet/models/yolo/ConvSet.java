package sparkdet.models.yolo;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The conv2d() of the YOLO repositories' nets/yolo.py (yolo3-pytorch, yolov4-pytorch): an
 * nn.Sequential of conv, bn and relu (LeakyReLU 0.1). yolov4-tiny-pytorch's BasicConv has the same
 * state-dict names (its LeakyReLU child, named activation, holds no state).
 */
public final class ConvSet extends Module {
    private final ConvBnLeaky layer;

    public ConvSet(long in, long out, long kernel, long stride) {
        layer = new ConvBnLeaky(this, "conv", "bn", "relu", in, out, kernel, stride);
    }

    public ConvSet(long in, long out, long kernel) {
        this(in, out, kernel, 1);
    }

    public Tensor forward(Tensor x) {
        return layer.forward(x, is_training());
    }

    public void fuseBatchNorm() {
        layer.fuseBatchNorm();
    }
}

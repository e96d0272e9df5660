package sparkdet.models.yolov4tiny;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.ConvBnLeaky;

/**
 * yolov4-tiny-pytorch's BasicConv: Conv2d without bias, BatchNorm2d, LeakyReLU(0.1), as children
 * named conv, bn and activation.
 */
final class BasicConv extends Module {
    private final ConvBnLeaky layers;

    BasicConv(long in, long out, long kernel, long stride) {
        layers = new ConvBnLeaky(this, "conv", "bn", "activation", in, out, kernel, stride);
    }

    BasicConv(long in, long out, long kernel) {
        this(in, out, kernel, 1);
    }

    Tensor forward(Tensor x) {
        return layers.forward(x, is_training());
    }

    /**
     * Folds the batch norm into the convolution for eval-mode forward ({@link ConvBnLeaky#fuseBatchNorm});
     * call after the weights are final and the module is on its device.
     */
    void fuseBatchNorm() {
        layers.fuseBatchNorm();
    }
}

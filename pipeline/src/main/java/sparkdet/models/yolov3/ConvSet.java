package sparkdet.models.yolov3;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.ConvBnLeaky;

/** nets/yolo.py's conv2d(): an nn.Sequential of conv, bn and relu (LeakyReLU 0.1), stride 1 */
final class ConvSet extends Module {
    private final ConvBnLeaky layer;

    ConvSet(long in, long out, long kernel) {
        layer = new ConvBnLeaky(this, "conv", "bn", "relu", in, out, kernel, 1);
    }

    Tensor forward(Tensor x) {
        return layer.forward(x, is_training());
    }

    void fuseBatchNorm() {
        layer.fuseBatchNorm();
    }
}

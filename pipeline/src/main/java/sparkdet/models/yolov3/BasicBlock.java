package sparkdet.models.yolov3;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ConvBnLeaky;

/**
 * nets/darknet.py's BasicBlock: a 1x1 conv down to {@code mid} channels and a 3x3 conv back up
 * (conv1/bn1/relu1, conv2/bn2/relu2), the input added after the second activation.
 */
final class BasicBlock extends Module {
    private final ConvBnLeaky first;
    private final ConvBnLeaky second;

    BasicBlock(long channels, long mid) {
        first = new ConvBnLeaky(this, "conv1", "bn1", "relu1", channels, mid, 1, 1);
        second = new ConvBnLeaky(this, "conv2", "bn2", "relu2", mid, channels, 3, 1);
    }

    Tensor forward(Tensor x) {
        boolean training = is_training();
        return Ops.add(second.forward(first.forward(x, training), training), x);
    }

    void fuseBatchNorm() {
        first.fuseBatchNorm();
        second.fuseBatchNorm();
    }
}

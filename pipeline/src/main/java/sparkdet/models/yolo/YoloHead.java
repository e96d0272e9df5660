package sparkdet.models.yolo;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The yolo_head of yolov4-pytorch and yolov4-tiny-pytorch: a 3x3 conv set then a 1x1 conv with bias
 * to anchors * (5 + classes) channels. The children are named "0" and "1" because the repositories
 * build it as an nn.Sequential.
 */
public final class YoloHead extends Module {
    private final ConvSet hidden;
    private final Conv2dImpl output;

    public YoloHead(long in, long mid, long out) {
        hidden = register_module("0", new ConvSet(in, mid, 3));
        output = register_module("1", new Conv2dImpl(new Conv2dOptions(mid, out, new LongPointer(1L, 1L))));
    }

    public Tensor forward(Tensor x) {
        return Ops.conv(output, hidden.forward(x));
    }

    public void fuseBatchNorm() {
        hidden.fuseBatchNorm();
    }
}

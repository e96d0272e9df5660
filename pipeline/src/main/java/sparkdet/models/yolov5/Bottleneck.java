package sparkdet.models.yolov5;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/** The reference's Bottleneck as C3 builds it (expansion 1): 1x1 Conv, 3x3 Conv, plus the input if shortcut. */
final class Bottleneck extends Module {
    private final Conv cv1;
    private final Conv cv2;
    private final boolean shortcut;

    Bottleneck(long channels, boolean shortcut) {
        cv1 = register_module("cv1", new Conv(channels, channels, 1));
        cv2 = register_module("cv2", new Conv(channels, channels, 3));
        this.shortcut = shortcut;
    }

    Tensor forward(Tensor x) {
        Tensor y = cv2.forward(cv1.forward(x));
        return shortcut ? x.add(y) : y;
    }

    void fuseBatchNorm() {
        cv1.fuseBatchNorm();
        cv2.fuseBatchNorm();
    }
}

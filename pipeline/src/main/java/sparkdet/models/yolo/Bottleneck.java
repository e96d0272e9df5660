package sparkdet.models.yolo;

import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The bottleneck of YOLOv5's C3 and YOLOX's CSPLayer as {@link CspBlock} builds it (expansion 1, so
 * as many channels out as in): the family's 1x1 convolution block (child cv1 or conv1), its 3x3 one
 * (cv2 or conv2), plus the input if shortcut.
 */
final class Bottleneck extends Block {
    private final Block first;
    private final Block second;
    private final boolean shortcut;

    Bottleneck(CspParts parts, long channels, boolean shortcut) {
        first = register_module(parts.name(1), parts.pointwise().of(channels, channels));
        second = register_module(parts.name(2), parts.bottleneck3x3().apply(channels));
        this.shortcut = shortcut;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = second.forward(first.forward(x));
        return shortcut ? Ops.add(x, y) : y;
    }

    @Override
    public void fuseBatchNorm() {
        first.fuseBatchNorm();
        second.fuseBatchNorm();
    }
}

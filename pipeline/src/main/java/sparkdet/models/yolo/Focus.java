package sparkdet.models.yolo;

import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * The Focus stem of YOLOv5 and YOLOX: the four pixel phases x[..., ::2, ::2], x[..., 1::2, ::2],
 * x[..., ::2, 1::2], x[..., 1::2, 1::2] stacked on the channels (3 -> 12, half the height and
 * width), then the family's 3x3 convolution block (child conv).
 */
public final class Focus extends Block {
    private final Block conv;

    /** @param conv the family's convolution block from 4 x the input channels */
    public Focus(Block conv) {
        this.conv = register_module("conv", conv);
    }

    @Override
    public Tensor forward(Tensor x) {
        return conv.forward(Ops.cat(1, phase(x, 0, 0), phase(x, 1, 0), phase(x, 0, 1), phase(x, 1, 1)));
    }

    private static Tensor phase(Tensor x, long row, long column) {
        return Ops.every(Ops.every(x, 2, row, 2), 3, column, 2);
    }

    @Override
    public void fuseBatchNorm() {
        conv.fuseBatchNorm();
    }
}

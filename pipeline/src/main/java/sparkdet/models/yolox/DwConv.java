package sparkdet.models.yolox;

import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.Block;

/**
 * The reference's DWConv (the nano variant's convolutions): a depthwise BaseConv (groups = input
 * channels, the block's kernel and stride), then a pointwise 1x1 BaseConv; children dconv and pconv.
 */
final class DwConv extends ConvBlock {
    private final BaseConv dconv;
    private final BaseConv pconv;

    DwConv(long in, long out, long kernel, long stride) {
        dconv = register_module("dconv", new BaseConv(in, in, kernel, stride, in));
        pconv = register_module("pconv", new BaseConv(in, out, 1, 1));
    }

    @Override
    public Tensor forward(Tensor x) {
        return pconv.forward(dconv.forward(x));
    }

    @Override
    public void fuseBatchNorm() {
        dconv.fuseBatchNorm();
        pconv.fuseBatchNorm();
    }
}

package sparkdet.models.yolox;

import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.Block;
import sparkdet.models.yolo.ConvBn;

/**
 * The reference's BaseConv (nets/darknet.py): Conv2d without bias, padding (kernel - 1) / 2, optional
 * groups, then BatchNorm2d(eps 0.001, momentum 0.03), then SiLU; children conv and bn. The
 * reference's act child holds no state, so it is a function call here and not a module.
 */
final class BaseConv extends ConvBlock {
    private final ConvBn conv;

    BaseConv(long in, long out, long kernel, long stride, long groups) {
        BatchNormOptions norm = new BatchNormOptions(out);
        norm.eps().put(0.001);
        norm.momentum().put(0.03);
        // odd kernels only, where kernel / 2 is the reference's (kernel - 1) / 2
        conv = new ConvBn(this, "conv", "bn", in, out, kernel, stride, groups, norm);
    }

    BaseConv(long in, long out, long kernel, long stride) {
        this(in, out, kernel, stride, 1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Ops.silu(conv.forward(x, is_training()));
    }

    @Override
    public void fuseBatchNorm() {
        conv.fuseBatchNorm();
    }
}

package sparkdet.models.yolov5;

import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.yolo.Block;
import sparkdet.models.yolo.ConvBn;

/**
 * The reference's Conv (nets/CSPdarknet.py): Conv2d without bias, padding kernel / 2, then
 * BatchNorm2d(eps 0.001, momentum 0.03), then SiLU; children conv and bn. The reference's act
 * child holds no state, so it is a function call here and not a module.
 */
final class Conv extends Block {
    private final ConvBn convBn;

    Conv(long in, long out, long kernel, long stride) {
        BatchNormOptions norm = new BatchNormOptions(out);
        norm.eps().put(0.001);
        norm.momentum().put(0.03);
        convBn = new ConvBn(this, "conv", "bn", in, out, kernel, stride, norm);
    }

    Conv(long in, long out, long kernel) {
        this(in, out, kernel, 1);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Ops.silu(convBn.forward(x, is_training()));
    }

    /** the batch norm folded into the convolution for eval-mode forward ({@link ConvBn#fuseBatchNorm}) */
    @Override
    public void fuseBatchNorm() {
        convBn.fuseBatchNorm();
    }
}

package sparkdet.models.yolox;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * What the reference's {@code Conv = DWConv if depthwise else BaseConv} stands for: a convolution
 * block with its batch norms and SiLU, either {@link BaseConv} or {@link DwConv}.
 */
abstract class ConvBlock extends Module {
    abstract Tensor forward(Tensor x);

    /** the batch norms folded into their convolutions for eval-mode forward */
    abstract void fuseBatchNorm();

    /** the reference's {@code DWConv if depthwise else BaseConv} */
    static ConvBlock of(boolean depthwise, long in, long out, long kernel, long stride) {
        return depthwise ? new DwConv(in, out, kernel, stride) : new BaseConv(in, out, kernel, stride);
    }
}

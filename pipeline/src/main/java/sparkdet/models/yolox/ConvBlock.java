package sparkdet.models.yolox;

import org.bytedeco.pytorch.Tensor;
import sparkdet.models.yolo.Block;

/**
 * What the reference's {@code Conv = DWConv if depthwise else BaseConv} stands for: a convolution
 * block with its batch norms and SiLU, either {@link BaseConv} or {@link DwConv}.
 */
abstract class ConvBlock extends Block {
    /** the reference's {@code DWConv if depthwise else BaseConv} */
    static ConvBlock of(boolean depthwise, long in, long out, long kernel, long stride) {
        return depthwise ? new DwConv(in, out, kernel, stride) : new BaseConv(in, out, kernel, stride);
    }
}

package sparkdet.models.yolox;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * The reference's Bottleneck as CSPLayer builds it (expansion 1, so in = out channels): a 1x1
 * BaseConv (conv1), a 3x3 BaseConv or DWConv (conv2), plus the input if shortcut.
 */
final class Bottleneck extends Module {
    private final BaseConv conv1;
    private final ConvBlock conv2;
    private final boolean shortcut;

    Bottleneck(long channels, boolean shortcut, boolean depthwise) {
        conv1 = register_module("conv1", new BaseConv(channels, channels, 1, 1));
        conv2 = register_module("conv2", ConvBlock.of(depthwise, channels, channels, 3, 1));
        this.shortcut = shortcut;
    }

    Tensor forward(Tensor x) {
        Tensor y = conv2.forward(conv1.forward(x));
        return shortcut ? x.add(y) : y;
    }

    void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        conv2.fuseBatchNorm();
    }
}

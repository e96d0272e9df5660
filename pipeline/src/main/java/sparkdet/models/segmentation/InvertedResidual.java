package sparkdet.models.segmentation;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;

/**
 * MobileNetV2's inverted residual (the repositories' nets/mobilenetv2.py): a 1x1 expansion (absent
 * at expand ratio 1), a 3x3 depthwise convolution, a linear 1x1 projection, each with its batch norm
 * (ReLU6 after the first two), as one nn.Sequential named conv; the input added when stride and
 * channels stay.
 */
final class InvertedResidual extends Module {
    /** the nn.Sequential conv: held since libtorch calls back into the Java peer of every module */
    private final Module sequential;
    private final List<ConvBatchNorm> layers = new ArrayList<>();
    private final boolean residual;

    /**
     * @param stride the reference's stride, which decides the residual connection even where the
     *     dilation (dilate, {@link ConvSpec#noStrideDilate}) removes it from the convolution, as the
     *     reference decides it before dilating
     */
    InvertedResidual(long in, long out, long stride, long expandRatio, long dilate) {
        long hidden = in * expandRatio;
        residual = stride == 1 && in == out;
        sequential = register_module("conv", new Module());
        ConvSpec depthwise = ConvSpec.of(hidden, hidden, 3).withStride(stride).depthwise().noStrideDilate(dilate);
        int index = 0;
        if (expandRatio != 1) {
            layers.add(new ConvBatchNorm(sequential, "0", "1", ConvSpec.of(in, hidden, 1), Activation.RELU6));
            index = 3;
        }
        layers.add(new ConvBatchNorm(sequential, String.valueOf(index), String.valueOf(index + 1), depthwise,
                Activation.RELU6));
        layers.add(new ConvBatchNorm(sequential, String.valueOf(index + 3), String.valueOf(index + 4),
                ConvSpec.of(hidden, out, 1), Activation.NONE));
    }

    Tensor forward(Tensor x) {
        Tensor y = x;
        for (ConvBatchNorm layer : layers) {
            y = layer.forward(y);
        }
        return residual ? Ops.add(x, y) : y;
    }

    void fuseBatchNorm() {
        layers.forEach(ConvBatchNorm::fuseBatchNorm);
    }
}

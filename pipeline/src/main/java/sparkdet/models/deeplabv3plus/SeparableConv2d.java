package sparkdet.models.deeplabv3plus;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;

/**
 * nets/xception.py's SeparableConv2d: a 3x3 depthwise convolution (depthwise, bn1) then a 1x1
 * pointwise one (pointwise, bn2), batch-norm momentum 0.0003; activate_first puts a ReLU before the
 * depthwise convolution (relu0), else after each batch norm (relu1, relu2).
 */
final class SeparableConv2d extends Module {
    private final ConvBatchNorm depthwise;
    private final ConvBatchNorm pointwise;
    private final boolean activateFirst;

    SeparableConv2d(long in, long out, long stride, long dilation, boolean activateFirst) {
        this.activateFirst = activateFirst;
        Activation after = activateFirst ? Activation.NONE : Activation.RELU;
        depthwise = new ConvBatchNorm(this, "depthwise", "bn1",
                ConvSpec.of(in, in, 3).withStride(stride).withDilation(dilation).depthwise(), Xception.BN_MOMENTUM, after);
        pointwise = new ConvBatchNorm(this, "pointwise", "bn2", ConvSpec.of(in, out, 1), Xception.BN_MOMENTUM, after);
    }

    Tensor forward(Tensor x) {
        return pointwise.forward(depthwise.forward(activateFirst ? Ops.relu(x) : x));
    }

    void fuseBatchNorm() {
        depthwise.fuseBatchNorm();
        pointwise.fuseBatchNorm();
    }
}

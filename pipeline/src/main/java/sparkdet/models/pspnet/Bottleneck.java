package sparkdet.models.pspnet;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;

/**
 * nets/resnet.py's Bottleneck: 1x1 (conv1, bn1), 3x3 carrying the stride and dilation (conv2, bn2),
 * 1x1 to 4 x planes (conv3, bn3), added to the input, through downsample (an nn.Sequential of a 1x1
 * convolution and its batch norm) where stride or channels change, then ReLU.
 */
final class Bottleneck extends Module {
    static final long EXPANSION = 4;

    private final ConvBatchNorm conv1;
    private final ConvBatchNorm conv2;
    private final ConvBatchNorm conv3;
    /** held since libtorch calls back into the Java peer of every module; null without downsample */
    private final Module downsampleSequential;
    private final ConvBatchNorm downsample;

    /**
     * @param stride the reference's stride, before the dilation
     * @param dilate the stage's dilate ({@link ConvSpec#noStrideDilate}), 1 for none
     */
    Bottleneck(long in, long planes, long stride, long dilate) {
        conv1 = new ConvBatchNorm(this, "conv1", "bn1", ConvSpec.of(in, planes, 1), Activation.RELU);
        conv2 = new ConvBatchNorm(this, "conv2", "bn2", ConvSpec.of(planes, planes, 3).withStride(stride)
                .noStrideDilate(dilate), Activation.RELU);
        conv3 = new ConvBatchNorm(this, "conv3", "bn3", ConvSpec.of(planes, planes * EXPANSION, 1), Activation.NONE);
        if (stride != 1 || in != planes * EXPANSION) {
            downsampleSequential = register_module("downsample", new Module());
            downsample = new ConvBatchNorm(downsampleSequential, "0", "1",
                    ConvSpec.of(in, planes * EXPANSION, 1).withStride(stride).noStrideDilate(dilate), Activation.NONE);
        } else {
            downsampleSequential = null;
            downsample = null;
        }
    }

    Tensor forward(Tensor x) {
        Tensor out = conv3.forward(conv2.forward(conv1.forward(x)));
        return Ops.relu(Ops.add(out, downsample != null ? downsample.forward(x) : x));
    }

    void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        conv2.fuseBatchNorm();
        conv3.fuseBatchNorm();
        if (downsample != null) {
            downsample.fuseBatchNorm();
        }
    }
}

package sparkdet.models.segmentation;

import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * A segmentation network's backbone, registered as its child {@code backbone}: a classification
 * network dilated to a downsample factor of 8 or 16, giving a shallower feature map beside its last
 * one (DeepLabv3+'s low-level features, PSPNet's auxiliary-branch input).
 */
public abstract class Backbone extends Module {
    /** @return {the shallower features, the last features} */
    public abstract Tensor[] forward(Tensor x);

    public abstract long shallowChannels();

    public abstract long deepChannels();

    /** every batch norm folded into its convolution for eval mode ({@link ConvBatchNorm#fuseBatchNorm}) */
    public abstract void fuseBatchNorm();
}

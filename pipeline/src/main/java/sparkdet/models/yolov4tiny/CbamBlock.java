package sparkdet.models.yolov4tiny;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * nets/attention.py's cbam_block: channel attention (channelattention: the channel means and maxima
 * each through fc1, ReLU, fc2, 1x1 convolutions without bias to channels / 8 and back, summed,
 * sigmoid) then spatial attention (spatialattention: the per-position mean and maximum over channels
 * through a 7x7 convolution conv1 without bias, sigmoid), each scaling the input.
 */
final class CbamBlock extends AttentionBlock {
    private static final int RATIO = 8;
    private static final long SPATIAL_KERNEL = 7;

    /** held for their Java peers (libtorch calls back into every module's) */
    private final Module channelAttention;
    private final Module spatialAttention;
    private final Conv2dImpl fc1;
    private final Conv2dImpl fc2;
    private final Conv2dImpl spatialConv;

    CbamBlock(long channels) {
        long hidden = reduced(channels, RATIO);
        channelAttention = register_module("channelattention", new Module());
        fc1 = channelAttention.register_module("fc1", conv(channels, hidden, 1));
        fc2 = channelAttention.register_module("fc2", conv(hidden, channels, 1));
        spatialAttention = register_module("spatialattention", new Module());
        spatialConv = spatialAttention.register_module("conv1", conv(2, 1, SPATIAL_KERNEL));
    }

    /** a convolution without bias, padded to keep the size */
    private static Conv2dImpl conv(long in, long out, long kernel) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(kernel, kernel));
        options.padding().put(new LongPointer(kernel / 2, kernel / 2));
        options.bias().put(false);
        return new Conv2dImpl(options);
    }

    @Override
    Tensor forward(Tensor x) {
        Tensor channelWeights = Ops.sigmoid(Ops.add(mlp(Ops.meanKeep(x, 2, 3)), mlp(Ops.amaxKeep(x, 2, 3))));
        Tensor y = Ops.mul(x, channelWeights);
        Tensor pooled = Ops.cat(1, Ops.meanKeep(y, 1), Ops.amaxKeep(y, 1));
        return Ops.mul(y, Ops.sigmoid(Ops.conv(spatialConv, pooled)));
    }

    private Tensor mlp(Tensor pooled) {
        return Ops.conv(fc2, Ops.relu(Ops.conv(fc1, pooled)));
    }
}

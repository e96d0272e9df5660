package sparkdet.models.yolov4tiny;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

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
        Tensor channelWeights = mlp(meanKeep(x, 2, 3)).add(mlp(x.amax(new long[] {2, 3}, true))).sigmoid();
        Tensor y = x.mul(channelWeights);
        Tensor pooled = torch.cat(new TensorVector(meanKeep(y, 1), y.amax(new long[] {1}, true)), 1);
        return y.mul(spatialConv.forward(pooled).sigmoid());
    }

    private Tensor mlp(Tensor pooled) {
        return fc2.forward(fc1.forward(pooled).relu());
    }
}

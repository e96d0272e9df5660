package sparkdet.models.yolov4tiny;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv1dImpl;
import org.bytedeco.pytorch.Conv1dOptions;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

/**
 * nets/attention.py's eca_block (efficient channel attention, b = 1, gamma = 2): the channel means
 * through a 1-D convolution conv across the channels (no bias, kernel |log2(channels) + 1| / 2
 * truncated and made odd, same padding), sigmoid, scaling the channels.
 */
final class EcaBlock extends AttentionBlock {
    private final Conv1dImpl conv;

    EcaBlock(long channels) {
        long kernel = kernelSize(channels);
        Conv1dOptions options = new Conv1dOptions(1, 1, new LongPointer(1).put(kernel));
        options.padding().put(new LongPointer(1).put((kernel - 1) / 2));
        options.bias().put(false);
        conv = register_module("conv", new Conv1dImpl(options));
    }

    /** as the repository computes it: math.log(channels, 2) is log(channels) / log(2) */
    static long kernelSize(long channels) {
        long k = (long) Math.abs((Math.log(channels) / Math.log(2) + 1) / 2);
        return k % 2 == 1 ? k : k + 1;
    }

    @Override
    Tensor forward(Tensor x) {
        // [N, C, 1, 1] -> [N, 1, C]: the channels as a sequence of one feature
        Tensor weights = Ops.sigmoid(Ops.conv(conv, Ops.view(Ops.meanKeep(x, 2, 3), x.size(0), 1, x.size(1))));
        return Ops.mul(x, Ops.view(weights, x.size(0), x.size(1), 1, 1));
    }
}

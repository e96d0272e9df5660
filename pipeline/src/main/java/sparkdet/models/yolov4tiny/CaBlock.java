package sparkdet.models.yolov4tiny;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * nets/attention.py's CA_Block (coordinate attention, reduction 16): the means along each row and
 * each column, side by side, through conv_1x1 (no bias, to channels / 16), bn and ReLU; split back,
 * F_h and F_w (1x1, no bias, back to the channels) and sigmoids give a weight per row and per column,
 * both scaling the input.
 */
final class CaBlock extends AttentionBlock {
    private static final int REDUCTION = 16;

    private final Conv2dImpl conv1x1;
    private final BatchNorm2dImpl bn;
    private final Conv2dImpl rowWeights;
    private final Conv2dImpl columnWeights;

    CaBlock(long channels) {
        long hidden = reduced(channels, REDUCTION);
        conv1x1 = register_module("conv_1x1", pointwise(channels, hidden));
        bn = register_module("bn", new BatchNorm2dImpl(new BatchNormOptions(hidden)));
        rowWeights = register_module("F_h", pointwise(hidden, channels));
        columnWeights = register_module("F_w", pointwise(hidden, channels));
    }

    private static Conv2dImpl pointwise(long in, long out) {
        Conv2dOptions options = new Conv2dOptions(in, out, new LongPointer(1L, 1L));
        options.bias().put(false);
        return new Conv2dImpl(options);
    }

    @Override
    Tensor forward(Tensor x) {
        long h = x.size(2);
        long w = x.size(3);
        // [N, C, H, 1] as [N, C, 1, H] beside [N, C, 1, W]
        Tensor rows = meanKeep(x, 3).permute(0, 1, 3, 2);
        Tensor columns = meanKeep(x, 2);
        Tensor joint = bn.forward(conv1x1.forward(torch.cat(new TensorVector(rows, columns), 3))).relu();
        TensorVector parts = joint.split_with_sizes(new long[] {h, w}, 3);
        Tensor perRow = rowWeights.forward(parts.get(0).permute(0, 1, 3, 2)).sigmoid();
        Tensor perColumn = columnWeights.forward(parts.get(1)).sigmoid();
        return x.mul(perRow).mul(perColumn);
    }
}

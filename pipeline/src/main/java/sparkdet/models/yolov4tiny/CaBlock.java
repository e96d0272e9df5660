package sparkdet.models.yolov4tiny;

import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.BatchNorm2dImpl;
import org.bytedeco.pytorch.BatchNormOptions;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;

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
        Tensor rows = Ops.permute(Ops.meanKeep(x, 3), 0, 1, 3, 2);
        Tensor columns = Ops.meanKeep(x, 2);
        Tensor joint = Ops.relu(Ops.batchNorm(bn, Ops.conv(conv1x1, Ops.cat(3, rows, columns))));
        Tensor[] parts = Ops.split(joint, 3, h, w);
        Tensor perRow = Ops.sigmoid(Ops.conv(rowWeights, Ops.permute(parts[0], 0, 1, 3, 2)));
        Tensor perColumn = Ops.sigmoid(Ops.conv(columnWeights, parts[1]));
        return Ops.mul(Ops.mul(x, perRow), perColumn);
    }
}

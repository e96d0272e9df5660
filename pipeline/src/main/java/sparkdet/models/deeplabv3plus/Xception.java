package sparkdet.models.deeplabv3plus;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.segmentation.Backbone;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvSpec;

/**
 * The Xception backbone of deeplabv3-plus-pytorch (nets/xception.py): a stem of two 3x3
 * convolutions (conv1 stride 2, bn1, conv2, bn2, with ReLUs), 20 blocks (block1..block20: strides 2,
 * 2, then 2 at downsample factor 16 or 1 at 8; the middle ones and the last dilated by 16 / factor)
 * and three separable convolutions (conv3..conv5, to 2048 channels), every batch norm with momentum
 * 0.0003. The low-level features are block2's sepconv2 output (256 channels, stride 4).
 */
final class Xception extends Backbone {
    static final double BN_MOMENTUM = 0.0003;
    private static final long MIDDLE_CHANNELS = 728;
    /** block4..block19 */
    private static final int MIDDLE_BLOCKS = 16;

    private final ConvBatchNorm conv1;
    private final ConvBatchNorm conv2;
    private final XceptionBlock block1;
    private final XceptionBlock block2;
    /** block3..block20 */
    private final List<XceptionBlock> deeperBlocks = new ArrayList<>();
    private final List<SeparableConv2d> exitConvs = new ArrayList<>();

    Xception(int downsampleFactor) {
        long rate = 16 / downsampleFactor;
        conv1 = new ConvBatchNorm(this, "conv1", "bn1", ConvSpec.of(3, 32, 3).withStride(2), BN_MOMENTUM,
                Activation.RELU);
        conv2 = new ConvBatchNorm(this, "conv2", "bn2", ConvSpec.of(32, 64, 3), BN_MOMENTUM, Activation.RELU);
        block1 = register_module("block1", new XceptionBlock(64, 128, 2));
        block2 = register_module("block2", new XceptionBlock(128, 256, 2));
        deeperBlocks.add(register_module("block3",
                new XceptionBlock(256, MIDDLE_CHANNELS, downsampleFactor == 16 ? 2 : 1)));
        for (int i = 0; i < MIDDLE_BLOCKS; i++) {
            deeperBlocks.add(register_module("block" + (4 + i),
                    new XceptionBlock(MIDDLE_CHANNELS, MIDDLE_CHANNELS, 1, rate, true)));
        }
        deeperBlocks.add(register_module("block20", new XceptionBlock(MIDDLE_CHANNELS, 1024, 1, rate, false)));
        exitConvs.add(register_module("conv3", new SeparableConv2d(1024, 1536, 1, rate, false)));
        exitConvs.add(register_module("conv4", new SeparableConv2d(1536, 1536, 1, rate, false)));
        exitConvs.add(register_module("conv5", new SeparableConv2d(1536, deepChannels(), 1, rate, false)));
    }

    @Override
    public Tensor[] forward(Tensor input) {
        Tensor[] second = block2.forward(block1.forward(conv2.forward(conv1.forward(input)))[0]);
        Tensor x = second[0];
        for (XceptionBlock block : deeperBlocks) {
            x = block.forward(x)[0];
        }
        for (SeparableConv2d conv : exitConvs) {
            x = conv.forward(x);
        }
        return new Tensor[] {second[1], x};
    }

    @Override
    public long shallowChannels() {
        return 256;
    }

    @Override
    public long deepChannels() {
        return 2048;
    }

    @Override
    public void fuseBatchNorm() {
        conv1.fuseBatchNorm();
        conv2.fuseBatchNorm();
        block1.fuseBatchNorm();
        block2.fuseBatchNorm();
        deeperBlocks.forEach(XceptionBlock::fuseBatchNorm);
        exitConvs.forEach(SeparableConv2d::fuseBatchNorm);
    }
}

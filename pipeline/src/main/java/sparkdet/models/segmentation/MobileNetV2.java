package sparkdet.models.segmentation;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;

/**
 * The MobileNetV2 backbone of bubbliiiing/deeplabv3-plus-pytorch and pspnet-pytorch (the class
 * MobileNetV2 of nets/deeplabv3_plus.py and nets/pspnet.py, over nets/mobilenetv2.py, the same in
 * both): ImageNet MobileNetV2's features without the last 1x1 convolution, as the child features
 * (a 3x3 stride-2 convolution with ReLU6, features.0, then 17 inverted residuals), the stages after
 * feature 7 and 14 dilated instead of strided to a downsample factor of 8 or 16. The two families
 * split the features differently: DeepLabv3+ takes features.3's output (stride 4, 24 channels) as
 * its low-level features, PSPNet features.13's (96 channels) for its auxiliary branch; the last
 * features have 320 channels. A width multiplier scales every stage's channels as the reference's
 * width_mult does (int(c * width)); 1 is the reference's network.
 */
public final class MobileNetV2 extends Backbone {
    /** the reference's interverted_residual_setting: expand ratio t, channels c, repeats n, stride s */
    private static final int[][] SETTING = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1},
        {6, 160, 3, 2}, {6, 320, 1, 1}};
    private static final long STEM_CHANNELS = 32;
    /** the wrappers' down_idx[-2] and down_idx[-1]: the first features of the stride-16 and stride-32 stages */
    private static final int STRIDE_16_STAGE = 7;
    private static final int STRIDE_32_STAGE = 14;

    /** held since libtorch calls back into the Java peer of every module */
    private final Module features;
    private final Module stem;
    private final ConvBatchNorm stemConv;
    private final List<InvertedResidual> blocks = new ArrayList<>();
    /** features[:split] gives the shallower features */
    private final int split;
    private final long shallowChannels;
    private final long deepChannels;

    /**
     * @param downsampleFactor 8 or 16
     * @param split how many features give the shallower features: 4 (DeepLabv3+), 14 (PSPNet)
     */
    public MobileNetV2(int downsampleFactor, int split) {
        this(downsampleFactor, split, 1.0);
    }

    /** @param width the reference's width_mult: each stage's channels int(c * width) */
    public MobileNetV2(int downsampleFactor, int split, double width) {
        if (!(width > 0) || width > 4) {
            throw new IllegalArgumentException("MobileNetV2 width must be in (0, 4], got " + width);
        }
        this.split = split;
        features = register_module("features", new Module());
        stem = features.register_module("0", new Module());
        long stemChannels = (long) (STEM_CHANNELS * width);
        stemConv = new ConvBatchNorm(stem, "0", "1", ConvSpec.of(3, stemChannels, 3).withStride(2), Activation.RELU6);
        long in = stemChannels;
        long shallow = stemChannels;
        for (int[] stage : SETTING) {
            long out = (long) (stage[1] * width);
            for (int i = 0; i < stage[2]; i++) {
                int index = blocks.size() + 1;
                InvertedResidual block = new InvertedResidual(in, out, i == 0 ? stage[3] : 1, stage[0],
                        dilate(downsampleFactor, index));
                blocks.add(features.register_module(String.valueOf(index), block));
                in = out;
                if (index == split - 1) {
                    shallow = in;
                }
            }
        }
        shallowChannels = shallow;
        deepChannels = in;
    }

    /** the dilate the reference's wrapper gives feature {@code index} ({@link ConvSpec#noStrideDilate}) */
    private static long dilate(int downsampleFactor, int index) {
        if (downsampleFactor == 8) {
            return index >= STRIDE_32_STAGE ? 4 : index >= STRIDE_16_STAGE ? 2 : 1;
        }
        return index >= STRIDE_32_STAGE ? 2 : 1;
    }

    @Override
    public Tensor[] forward(Tensor x) {
        Tensor shallow = stemConv.forward(x);
        for (int i = 1; i < split; i++) {
            shallow = blocks.get(i - 1).forward(shallow);
        }
        Tensor deep = shallow;
        for (int i = split; i <= blocks.size(); i++) {
            deep = blocks.get(i - 1).forward(deep);
        }
        return new Tensor[] {shallow, deep};
    }

    @Override
    public long shallowChannels() {
        return shallowChannels;
    }

    @Override
    public long deepChannels() {
        return deepChannels;
    }

    @Override
    public void fuseBatchNorm() {
        stemConv.fuseBatchNorm();
        blocks.forEach(InvertedResidual::fuseBatchNorm);
    }
}

package sparkdet.models.deeplabv3plus;

import java.util.List;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.DropoutImpl;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.Ops;
import sparkdet.models.segmentation.Backbone;
import sparkdet.models.segmentation.ConvBatchNorm.Activation;
import sparkdet.models.segmentation.ConvBatchNorm;
import sparkdet.models.segmentation.ConvSpec;
import sparkdet.models.segmentation.MobileNetV2;
import sparkdet.models.segmentation.SegmentationNetwork;

/**
 * DeepLabv3+ as bubbliiiing/deeplabv3-plus-pytorch defines it (nets/deeplabv3_plus.py's DeepLab):
 * a backbone (mobilenetv2: {@link MobileNetV2}, xception: {@link Xception}) dilated to a downsample
 * factor of 8 or 16, the {@link Aspp} on its last features, resized bilinearly to the low-level
 * features' size and concatenated with them after shortcut_conv (1x1 to 48 channels), then cat_conv
 * (two 3x3 convolutions with batch norm, ReLU and dropout 0.5 and 0.1) and cls_conv (1x1 to the
 * classes), resized bilinearly (align_corners=True) to the input's size. Every parameter and buffer
 * has that repository's state-dict name, so its .pth files load by name.
 */
public final class DeepLabV3Plus extends SegmentationNetwork {
    /** the backbones, by sparkdet's names (the reference's "mobilenet" and "xception") */
    public static final List<String> BACKBONES = List.of("mobilenetv2", "xception");
    private static final long ASPP_CHANNELS = 256;
    private static final long SHORTCUT_CHANNELS = 48;

    private final Backbone backbone;
    private final Aspp aspp;
    /** the nn.Sequentials shortcut_conv and cat_conv, held since libtorch calls back into every module's Java peer */
    private final Module shortcutSequential;
    private final Module catSequential;
    private final ConvBatchNorm shortcutConv;
    private final ConvBatchNorm catConv1;
    private final DropoutImpl catDropout1;
    private final ConvBatchNorm catConv2;
    private final DropoutImpl catDropout2;
    private final Conv2dImpl clsConv;

    /**
     * Package-private: creating the first Module loads libtorch, which crashes on an empty JavaCPP
     * cache; the family unpacks the cache first (Torch.load).
     *
     * @param backbone one of {@link #BACKBONES}
     * @param downsampleFactor 8 or 16: the stride of the last features
     */
    DeepLabV3Plus(int numClasses, String backbone, int downsampleFactor) {
        this(numClasses, backbone, downsampleFactor, 1.0);
    }

    /**
     * @param width sparkdet's width multiplier (1 = the reference's network): MobileNetV2's width_mult,
     *        and the ASPP and decoder channels scaled alike (multiples of 8); the xception backbone has none
     */
    DeepLabV3Plus(int numClasses, String backbone, int downsampleFactor, double width) {
        super(numClasses, downsampleFactor, name -> name.startsWith("cls_conv."));
        if (width != 1.0 && !backbone.equals("mobilenetv2")) {
            throw new IllegalArgumentException("a width multiplier applies to the mobilenetv2 backbone, not "
                    + backbone + " (width " + width + ")");
        }
        long asppChannels = scaled(ASPP_CHANNELS, width);
        long shortcutChannels = scaled(SHORTCUT_CHANNELS, width);
        this.backbone = register_module("backbone", switch (backbone) {
            case "mobilenetv2" -> new MobileNetV2(downsampleFactor, 4, width);
            case "xception" -> new Xception(downsampleFactor);
            default -> throw new IllegalArgumentException("DeepLabv3+ backbone '" + backbone + "': one of " + BACKBONES);
        });
        aspp = register_module("aspp", new Aspp(this.backbone.deepChannels(), asppChannels, 16 / downsampleFactor));
        shortcutSequential = register_module("shortcut_conv", new Module());
        shortcutConv = new ConvBatchNorm(shortcutSequential, "0", "1",
                ConvSpec.of(this.backbone.shallowChannels(), shortcutChannels, 1).withBias(), Activation.RELU);
        catSequential = register_module("cat_conv", new Module());
        catConv1 = new ConvBatchNorm(catSequential, "0", "1",
                ConvSpec.of(shortcutChannels + asppChannels, asppChannels, 3).withBias(), Activation.RELU);
        catDropout1 = catSequential.register_module("3", new DropoutImpl(0.5));
        catConv2 = new ConvBatchNorm(catSequential, "4", "5", ConvSpec.of(asppChannels, asppChannels, 3).withBias(),
                Activation.RELU);
        catDropout2 = catSequential.register_module("7", new DropoutImpl(0.1));
        clsConv = register_module("cls_conv", ConvSpec.of(asppChannels, numClasses, 1).withBias().newModule());
        initWeights();
    }

    /** channels scaled by the width multiplier, multiples of 8, at least 8 */
    private static long scaled(long channels, double width) {
        return width == 1.0 ? channels : Math.max(8, Math.round(channels * width / 8) * 8);
    }

    /** @return {the logits, [N, classes, H, W] at the input's size} */
    @Override
    public Tensor[] forward(Tensor images) {
        Tensor[] features = backbone.forward(images);
        Tensor lowLevel = shortcutConv.forward(features[0]);
        Tensor x = resize(aspp.forward(features[1]), lowLevel.size(2), lowLevel.size(3));
        x = catConv1.forward(Ops.cat(1, x, lowLevel));
        x = Ops.dropout(catDropout2, catConv2.forward(Ops.dropout(catDropout1, x)));
        return new Tensor[] {resize(Ops.conv(clsConv, x), images.size(2), images.size(3))};
    }

    /** every convolution + batch norm pair runs as one convolution in eval mode ({@link ConvBatchNorm#fuseBatchNorm}) */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        aspp.fuseBatchNorm();
        shortcutConv.fuseBatchNorm();
        catConv1.fuseBatchNorm();
        catConv2.fuseBatchNorm();
    }
}

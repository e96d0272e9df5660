package sparkdet.models.pspnet;

import java.util.List;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Dropout2dImpl;
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
 * PSPNet as bubbliiiing/pspnet-pytorch defines it (nets/pspnet.py's PSPNet): a backbone
 * (mobilenetv2: {@link MobileNetV2}, resnet50: {@link ResNet50}) dilated to a downsample factor of 8
 * or 16; master_branch, an nn.Sequential of the {@link PspModule} on the last features and a 1x1
 * convolution to the classes; with the auxiliary branch, auxiliary_branch on the shallower features
 * (3x3 convolution to an eighth of the last features' channels, batch norm, ReLU, Dropout2d 0.1, 1x1
 * convolution to the classes), whose logits the reference's training adds to the loss. Both resized
 * bilinearly (align_corners=True) to the input's size. Every parameter and buffer has that
 * repository's state-dict name, so its .pth files load by name. With mobilenetv2, sparkdet's width
 * multiplier scales the backbone as the reference's width_mult does; the pyramid and the auxiliary
 * branch follow from the backbone's channels, as the reference derives them from 320 and 96.
 */
public final class PSPNet extends SegmentationNetwork {
    /** the backbones, by sparkdet's names (the reference's "mobilenet" and "resnet50") */
    public static final List<String> BACKBONES = List.of("mobilenetv2", "resnet50");

    private final Backbone backbone;
    /** the nn.Sequentials, held since libtorch calls back into every module's Java peer */
    private final Module masterSequential;
    private final PspModule psp;
    private final Conv2dImpl masterClassifier;
    /** null without the auxiliary branch */
    private final Module auxiliarySequential;
    private final ConvBatchNorm auxiliaryConv;
    private final Dropout2dImpl auxiliaryDropout;
    private final Conv2dImpl auxiliaryClassifier;

    /**
     * Package-private: creating the first Module loads libtorch, which crashes on an empty JavaCPP
     * cache; the family unpacks the cache first (Torch.load).
     *
     * @param backbone one of {@link #BACKBONES}
     * @param downsampleFactor 8 or 16: the stride of the last features
     * @param auxBranch whether the network has auxiliary_branch (the reference's aux_branch), whose
     *     logits train mode returns second
     */
    PSPNet(int numClasses, String backbone, int downsampleFactor, boolean auxBranch) {
        this(numClasses, backbone, downsampleFactor, auxBranch, 1.0);
    }

    /**
     * @param width sparkdet's width multiplier (1 = the reference's network): MobileNetV2's width_mult,
     *        every later channel count derived from the backbone's; the resnet50 backbone has none
     */
    PSPNet(int numClasses, String backbone, int downsampleFactor, boolean auxBranch, double width) {
        super(numClasses, downsampleFactor, name -> name.startsWith("master_branch.1.")
                || name.startsWith("auxiliary_branch.4."));
        if (width != 1.0 && !backbone.equals("mobilenetv2")) {
            throw new IllegalArgumentException("a width multiplier applies to the mobilenetv2 backbone, not "
                    + backbone + " (width " + width + ")");
        }
        this.backbone = register_module("backbone", switch (backbone) {
            case "mobilenetv2" -> new MobileNetV2(downsampleFactor, 14, width);
            case "resnet50" -> new ResNet50(downsampleFactor);
            default -> throw new IllegalArgumentException("PSPNet backbone '" + backbone + "': one of " + BACKBONES);
        });
        long deep = this.backbone.deepChannels();
        masterSequential = register_module("master_branch", new Module());
        psp = masterSequential.register_module("0", new PspModule(deep));
        masterClassifier = masterSequential.register_module("1",
                ConvSpec.of(PspModule.outChannels(deep), numClasses, 1).withBias().newModule());
        if (auxBranch) {
            auxiliarySequential = register_module("auxiliary_branch", new Module());
            auxiliaryConv = new ConvBatchNorm(auxiliarySequential, "0", "1",
                    ConvSpec.of(this.backbone.shallowChannels(), deep / 8, 3), Activation.RELU);
            auxiliaryDropout = auxiliarySequential.register_module("3", new Dropout2dImpl(0.1));
            auxiliaryClassifier = auxiliarySequential.register_module("4",
                    ConvSpec.of(deep / 8, numClasses, 1).withBias().newModule());
        } else {
            auxiliarySequential = null;
            auxiliaryConv = null;
            auxiliaryDropout = null;
            auxiliaryClassifier = null;
        }
        initWeights();
    }

    /**
     * @return {the logits} in eval mode or without the auxiliary branch, {the logits, the auxiliary
     *     branch's logits} in train mode with it; each [N, classes, H, W] at the input's size
     */
    @Override
    public Tensor[] forward(Tensor images) {
        long h = images.size(2);
        long w = images.size(3);
        Tensor[] features = backbone.forward(images);
        Tensor main = resize(Ops.conv(masterClassifier, psp.forward(features[1])), h, w);
        if (auxiliarySequential == null || !is_training()) {
            return new Tensor[] {main};
        }
        Tensor aux = Ops.conv(auxiliaryClassifier, Ops.dropout(auxiliaryDropout, auxiliaryConv.forward(features[0])));
        return new Tensor[] {main, resize(aux, h, w)};
    }

    /**
     * every convolution + batch norm pair that eval mode runs becomes one convolution
     * ({@link ConvBatchNorm#fuseBatchNorm}); the auxiliary branch runs only in train mode
     */
    @Override
    public void foldForInference() {
        backbone.fuseBatchNorm();
        psp.fuseBatchNorm();
    }
}

package sparkdet.models.unet;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sparkdet.model.Torch;

/**
 * The backbones of bubbliiiing/unet-pytorch's Unet (nets/unet.py): the variant name, the child the
 * reference registers it under (so the state-dict prefix, and what freeze_backbone freezes), and the
 * channels of its five features, from which the input channels of up_concat1..4 follow (the skip
 * feature's channels plus the upsampled deeper one's: the reference's in_filters).
 *
 * <p>Also the way to create a {@link UNet}: {@link #newModel} unpacks libtorch first (creating any
 * Module loads it, which crashes on an empty JavaCPP cache).
 */
public enum UNetBackbone {
    /** VGG16's convolutions (nets/vgg.py), no batch norm */
    VGG("vgg", "vgg", 16, new long[] {64, 128, 256, 512, 512}),
    /** torchvision's ResNet-50 with a ceil-mode max pool (nets/resnet.py) */
    RESNET50("resnet50", "resnet", 32, new long[] {64, 256, 512, 1024, 2048});

    private final String variant;
    private final String child;
    private final int inputMultiple;
    /** feat1..feat5's channels at width 1 */
    private final long[] features;

    UNetBackbone(String variant, String child, int inputMultiple, long[] features) {
        this.variant = variant;
        this.child = child;
        this.inputMultiple = inputMultiple;
        this.features = features;
    }

    /** "vgg" or "resnet50", any case */
    public static UNetBackbone of(String variant) {
        String wanted = variant.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(b -> b.variant.equals(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("UNet backbone must be one of " + variants() + "; got '"
                        + variant + "'"));
    }

    /** the reference's backbone names, in its order */
    public static List<String> variants() {
        return Arrays.stream(values()).map(UNetBackbone::variant).toList();
    }

    /** the reference's backbone argument: "vgg" or "resnet50" */
    public String variant() {
        return variant;
    }

    /**
     * what the input's height and width must be multiples of: the backbone's largest stride, so
     * that each upsampled feature meets its skip feature's size
     */
    public int inputMultiple() {
        return inputMultiple;
    }

    /** a new network with weights initialised as the reference's train.py starts from scratch */
    public UNet newModel(int numClasses) {
        return newModel(numClasses, 1.0);
    }

    /** the same with sparkdet's width multiplier (vgg only; 1 = the reference's network) */
    public UNet newModel(int numClasses, double width) {
        Torch.load();
        return new UNet(numClasses, this, width);
    }

    /** the name of the child module the reference registers the backbone under ("vgg", "resnet") */
    String child() {
        return child;
    }

    /** the channels of feat{level}, level 1..5, at the width */
    long featureChannels(int level, double width) {
        return UNet.channels(features[level - 1], width);
    }

    /**
     * the input channels of up_concat{level}, level 1..4: feat{level}'s and those of what is
     * upsampled, feat5 for level 4, else up_concat{level + 1}'s output
     */
    long upInput(int level, double width) {
        return featureChannels(level, width) + (level == 4 ? featureChannels(5, width) : UNet.upOutput(level + 1, width));
    }

    Encoder newEncoder(double width) {
        return this == VGG ? new Vgg16(width) : new ResNet50();
    }
}

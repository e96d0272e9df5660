package sparkdet.models.unet;

import java.util.List;
import java.util.Optional;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.pytorch.Conv2dImpl;
import org.bytedeco.pytorch.Conv2dOptions;
import org.bytedeco.pytorch.Module;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.FreezeGroup;
import sparkdet.model.Network;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ReferenceInit;
import sparkdet.models.yolo.Widths;

/**
 * UNet as bubbliiiing/unet-pytorch defines it (nets/unet.py's Unet(num_classes, pretrained,
 * backbone)): a backbone's five features (VGG16 under {@code vgg.}, ResNet-50 under
 * {@code resnet.}), four {@link UnetUp} blocks up_concat4..up_concat1 (512, 256, 128 and 64
 * channels), for ResNet-50 the {@code up_conv} Sequential (2x bilinear upsampling, then two 3x3
 * convolutions with ReLU, children 1 and 3) back to the input size, and {@code final}, a 1x1
 * convolution to the class scores. Every parameter and buffer has that repository's state-dict
 * name, so its .pth files load by name. With VGG16, sparkdet's width multiplier scales every
 * channel count of the backbone and the decoder alike ({@link #channels}; the same names).
 * Created through {@link UNetBackbone#newModel}.
 */
public final class UNet extends Network {
    private static final long TOP_CHANNELS = 64;

    private final int numClasses;
    private final UNetBackbone backbone;
    private final Encoder encoder;
    /** up_concat1..up_concat4 at indices 0..3 */
    private final UnetUp[] ups = new UnetUp[4];
    /** held although forward never calls it: libtorch calls back into the Java peer of every module */
    private final Optional<Module> upConvSequential;
    private final Optional<Conv2dImpl[]> upConv;
    private final Conv2dImpl output;

    /**
     * Package-private: creating the first Module loads libtorch (Module's static initialiser runs
     * before any code here), which crashes on an empty JavaCPP cache; {@link UNetBackbone#newModel}
     * unpacks the cache first.
     *
     * @param numClasses the classes scored, background included (the reference's num_classes)
     */
    UNet(int numClasses, UNetBackbone backbone) {
        this(numClasses, backbone, 1.0);
    }

    /** @param width sparkdet's width multiplier, 1 (the reference's network) for resnet50 */
    UNet(int numClasses, UNetBackbone backbone, double width) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a segmentation network needs at least two classes (the background and"
                    + " one), got " + numClasses);
        }
        if (width != 1.0 && backbone != UNetBackbone.VGG) {
            throw new IllegalArgumentException("a width multiplier applies to the vgg backbone, not "
                    + backbone.variant() + " (width " + width + ")");
        }
        this.numClasses = numClasses;
        this.backbone = backbone;
        encoder = register_module(backbone.child(), backbone.newEncoder(width));
        for (int level = 4; level >= 1; level--) {
            ups[level - 1] = register_module("up_concat" + level,
                    new UnetUp(backbone.upInput(level, width), upOutput(level, width)));
        }
        if (backbone == UNetBackbone.RESNET50) {
            Module sequential = register_module("up_conv", new Module());
            upConvSequential = Optional.of(sequential);
            upConv = Optional.of(new Conv2dImpl[] {
                sequential.register_module("1", Layers.conv3x3(TOP_CHANNELS, TOP_CHANNELS)),
                sequential.register_module("3", Layers.conv3x3(TOP_CHANNELS, TOP_CHANNELS))});
        } else {
            upConvSequential = Optional.empty();
            upConv = Optional.empty();
        }
        output = register_module("final", new Conv2dImpl(new Conv2dOptions(upOutput(1, width), numClasses,
                new LongPointer(1L, 1L))));
        initWeights();
    }

    /**
     * a channel count of the reference's network at sparkdet's width multiplier: the count itself at
     * 1, else a multiple of 8, at least 8, as the YOLO families round theirs ({@link Widths})
     */
    static long channels(long reference, double width) {
        return width == 1.0 ? reference : new Widths(width).of((int) reference);
    }

    /** the output channels of up_concat{level}: the reference's out_filters, 64 to 512 */
    static long upOutput(int level, double width) {
        return channels(TOP_CHANNELS << (level - 1), width);
    }

    /**
     * As the reference's train.py starts a model without pretrained weights (weights_init of
     * nets/unet_training.py, normal with gain 0.02): every convolution weight N(0, 0.02), every
     * batch-norm weight N(1, 0.02) and bias 0. VGG16's convolution biases are 0, as its
     * _initialize_weights leaves them; the decoder's keep the framework's default, which libtorch
     * shares with PyTorch.
     */
    private void initWeights() {
        ReferenceInit.apply(namedParameters(), UNet::isBatchNorm);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            namedParameters().forEach((name, p) -> {
                if (name.startsWith("vgg.") && name.endsWith(".bias")) {
                    p.zero_();
                }
            });
        }
    }

    /** ResNet-50's batch norms: bn1..bn3 of the stem and the bottlenecks, and each projection's downsample.1 */
    private static boolean isBatchNorm(String module) {
        return module.matches("(.*\\.)?bn\\d") || module.endsWith(".downsample.1");
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    /** what the reference's freeze_backbone freezes: every parameter of the backbone */
    @Override
    public List<FreezeGroup> freezeGroups() {
        return List.of(new FreezeGroup("backbone", List.of(backbone.child() + ".")));
    }

    /** ResNet-50's batch norms into their convolutions; VGG16 and the decoder have none */
    @Override
    public void foldForInference() {
        encoder.fuseBatchNorm();
    }

    /** the output convolution depends on the class count */
    @Override
    public String shapeHint(String name) {
        return name.startsWith("final.") ? " (class count changed)" : "";
    }

    /**
     * @param images [N, 3, H, W], H and W multiples of {@link UNetBackbone#inputMultiple()}
     * @return one element: the class logits [N, classes, H, W]
     */
    @Override
    public Tensor[] forward(Tensor images) {
        int multiple = backbone.inputMultiple();
        if (images.size(2) % multiple != 0 || images.size(3) % multiple != 0) {
            throw new IllegalArgumentException("UNet (" + backbone.variant() + ") takes heights and widths that are "
                    + "multiples of " + multiple + ", got " + images.size(2) + " x " + images.size(3));
        }
        Tensor[] feats = encoder.features(images);
        Tensor x = feats[4];
        for (int level = 4; level >= 1; level--) {
            x = ups[level - 1].forward(feats[level - 1], x);
        }
        if (upConv.isPresent()) {
            Conv2dImpl[] convs = upConv.get();
            x = Ops.reluInPlace(Ops.conv(convs[1], Ops.reluInPlace(Ops.conv(convs[0], Layers.upsample(x)))));
        }
        return new Tensor[] {Ops.conv(output, x)};
    }
}

package sparkdet.models.segmentation;

import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.bytedeco.pytorch.Tensor;
import sparkdet.model.FreezeGroup;
import sparkdet.model.Network;
import sparkdet.model.Ops;
import sparkdet.models.yolo.ReferenceInit;

/**
 * What the semantic segmentation networks (DeepLabv3+, PSPNet) share: a class count of at least two
 * (the background is class 0), a downsample factor of 8 or 16, the backbone (every parameter under
 * {@code backbone.}, as the reference's train.py freezes model.backbone) as what transfer learning
 * freezes, the class count as why a classifier's shape differs from a file's, the reference's
 * initialisation and its bilinear resizing.
 */
public abstract class SegmentationNetwork extends Network {
    /** the downsample factors the references build (their dilation patterns) */
    public static final List<Integer> DOWNSAMPLE_FACTORS = List.of(8, 16);
    private static final List<FreezeGroup> BACKBONE = List.of(new FreezeGroup("backbone", List.of("backbone.")));

    private final int numClasses;
    private final Predicate<String> isClassifier;

    /** @param isClassifier whether a parameter name is of a convolution to the classes */
    protected SegmentationNetwork(int numClasses, int downsampleFactor, Predicate<String> isClassifier) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a segmentation network needs at least two classes (the background and"
                    + " one), got " + numClasses);
        }
        if (!DOWNSAMPLE_FACTORS.contains(downsampleFactor)) {
            throw new IllegalArgumentException("downsample factor " + downsampleFactor + ": 8 or 16");
        }
        this.numClasses = numClasses;
        this.isClassifier = isClassifier;
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    @Override
    public final List<FreezeGroup> freezeGroups() {
        return BACKBONE;
    }

    @Override
    public String shapeHint(String name) {
        return isClassifier.test(name) ? " (class count changed)" : "";
    }

    /**
     * As the references' train.py starts a model trained without pretrained weights (weights_init of
     * nets/deeplabv3_training.py and nets/pspnet_training.py, the YOLO repositories' function, init
     * type normal): every convolution weight N(0, 0.02), every batch-norm weight N(1, 0.02) and bias
     * 0; the convolution biases keep the framework's default, which libtorch shares with PyTorch. Call
     * at the end of the subclass's constructor.
     */
    protected final void initWeights() {
        Set<String> batchNorms = stateDict().keySet().stream().filter(k -> k.endsWith(".running_mean"))
                .map(k -> k.substring(0, k.length() - ".running_mean".length())).collect(Collectors.toSet());
        ReferenceInit.apply(namedParameters(), batchNorms::contains);
    }

    /** x resized bilinearly to height x width with align_corners=True, as the references' F.interpolate */
    public static Tensor resize(Tensor x, long height, long width) {
        return Ops.upsampleBilinear(x, height, width, true);
    }
}

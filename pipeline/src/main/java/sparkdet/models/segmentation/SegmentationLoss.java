package sparkdet.models.segmentation;

import java.util.Arrays;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import sparkdet.image.LabelMap;
import sparkdet.model.Loss;
import sparkdet.model.Targets;

/**
 * The training loss of bubbliiiing's segmentation repositories (unet-pytorch, deeplabv3-plus-pytorch,
 * pspnet-pytorch: their nets/*_training.py hold the same CE_Loss, Focal_Loss and Dice_loss), totalled
 * as their utils/utils_fit.py's fit_one_epoch does: cross-entropy, or the focal loss, per output,
 * plus the dice loss when on; with PSPNet's auxiliary output, 0.4 times its loss (and its dice) plus
 * the main output's.
 *
 * <p>Labels are the mask pixels as read: [N, H, W], any integer type, on the logits' device. A value
 * in [0, classes) is a class; every other value (255, VOC's white borders, and any value &gt;=
 * classes) is ignored: the references' dataloader sets them to num_classes, the losses'
 * ignore_index, and so does {@link #loaderLabels} here. Ignored pixels add nothing
 * to the cross-entropy (its mean is over the rest, weighted by the class weights), count 0 in the
 * focal mean (which is over every pixel) and, in the dice loss, count as no class's target while
 * their softmax still counts as false positives: all as in the references. A batch whose every pixel
 * is ignored has a NaN cross-entropy, as there.
 *
 * <p>Logits of another size than the labels are resized to them first, bilinear with aligned corners
 * (the references' rule; they resize only when both height and width differ, and fail when one does).
 */
public final class SegmentationLoss implements Loss {
    /** the weight of PSPNet's auxiliary output (pspnet-pytorch's utils_fit.py) */
    private static final double AUX_WEIGHT = 0.4;
    /** Focal_Loss's defaults, which fit_one_epoch keeps */
    private static final double FOCAL_ALPHA = 0.5;
    private static final double FOCAL_GAMMA = 2;
    /** Dice_loss's defaults, which fit_one_epoch keeps */
    private static final double DICE_BETA = 1;
    private static final double DICE_SMOOTH = 1e-5;

    /** at::Reduction */
    private static final long NO_REDUCTION = 0;
    private static final long MEAN = 1;

    private final int numClasses;
    private final boolean focal;
    private final boolean dice;
    private final float[] classWeights;

    /**
     * @param numClasses the classes scored, background included (the references' num_classes)
     * @param focal the focal loss instead of the cross-entropy (the references' focal_loss)
     * @param dice the dice loss added (dice_loss)
     * @param classWeights per class, the cross-entropy's and focal loss's weights (cls_weights; the
     *        references' default is all ones)
     */
    public SegmentationLoss(int numClasses, boolean focal, boolean dice, float[] classWeights) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("a segmentation loss needs at least one class, got " + numClasses);
        }
        if (classWeights.length != numClasses) {
            throw new IllegalArgumentException(classWeights.length + " class weights for " + numClasses + " classes");
        }
        requireWeights(classWeights);
        this.numClasses = numClasses;
        this.focal = focal;
        this.dice = dice;
        this.classWeights = classWeights.clone();
    }

    /** refuses a class weight that is negative, NaN or infinite */
    static void requireWeights(float[] classWeights) {
        for (float w : classWeights) {
            if (!(w >= 0) || Float.isInfinite(w)) {
                throw new IllegalArgumentException("class weights must be finite and not negative, got "
                        + Arrays.toString(classWeights));
            }
        }
    }

    /** the references' defaults: cross-entropy, no dice, every class weight 1 */
    public static SegmentationLoss crossEntropy(int numClasses) {
        float[] ones = new float[numClasses];
        Arrays.fill(ones, 1);
        return new SegmentationLoss(numClasses, false, false, ones);
    }

    /** the label the losses ignore once {@link #loaderLabels} has mapped the mask: the class count */
    public int ignoreIndex() {
        return numClasses;
    }

    /** the batch's loss over its masks (at the input size, as the batch loader placed them) */
    @Override
    public Value compute(Tensor[] outputs, Targets targets) {
        LabelMap[] masks = targets.requireMasks();
        int height = masks[0].height();
        int width = masks[0].width();
        byte[] pixels = new byte[masks.length * height * width];
        for (int i = 0; i < masks.length; i++) {
            if (masks[i].height() != height || masks[i].width() != width) {
                throw new IllegalArgumentException("the batch's masks differ in size: " + width + "x" + height
                        + " and " + masks[i].width() + "x" + masks[i].height());
            }
            System.arraycopy(masks[i].pixels(), 0, pixels, i * height * width, height * width);
        }
        // bytes are signed in Java and in a kByte tensor: 255 arrives as -1, read back as unsigned
        Tensor labels = Tensor.create(pixels, masks.length, height, width).toType(ScalarType.Int)
                .bitwise_and(new Scalar(0xFF)).to(outputs[0].device(), ScalarType.Long);
        Tensor loss = compute(outputs, labels);
        return new Value(loss, loss.item_float());
    }

    /**
     * The batch's loss, a scalar in the logits' dtype that backward() runs on.
     *
     * @param outputs {main} or, for PSPNet's auxiliary branch in training, {main, aux} (the order
     *        its network returns them in), each logits [N, classes, h, w]
     * @param labels [N, H, W] mask pixels, any integer type, on the logits' device
     */
    public Tensor compute(Tensor[] outputs, Tensor labels) {
        if (outputs.length != 1 && outputs.length != 2) {
            throw new IllegalArgumentException("a segmentation loss takes the main output or {main, aux}, got "
                    + outputs.length + " outputs");
        }
        if (labels.dim() != 3) {
            throw new IllegalArgumentException("labels must be [N, H, W], got "
                    + Arrays.toString(labels.sizes().vec().get()));
        }
        Tensor pngs = loaderLabels(labels, numClasses);
        Tensor segLabels = dice ? oneHot(pngs, numClasses, outputs[0].scalar_type()) : null;
        Tensor main = outputLoss(outputs[0], pngs, segLabels);
        if (outputs.length == 1) {
            return main;
        }
        return outputLoss(outputs[1], pngs, segLabels).mul(new Scalar(AUX_WEIGHT)).add(main);
    }

    /** one output's cross-entropy or focal loss, plus its dice */
    private Tensor outputLoss(Tensor output, Tensor pngs, Tensor segLabels) {
        Tensor logits = resized(output, pngs);
        Tensor loss = focal ? focal(logits, pngs) : crossEntropy(logits, pngs);
        return dice ? loss.add(dice(logits, segLabels)) : loss;
    }

    /**
     * The references' dataloader's labels: the mask with every value &gt;= classes set to classes
     * (the ignore index), as int64.
     */
    public static Tensor loaderLabels(Tensor masks, int numClasses) {
        return masks.toType(ScalarType.Long).clamp_max(new Scalar(numClasses));
    }

    /**
     * The dataloader's seg_labels, which the dice loss takes: the {@link #loaderLabels} of the masks
     * one-hot over classes + 1 channels (the last one the ignored pixels'), [N, H, W, classes + 1],
     * float32.
     */
    public static Tensor segLabels(Tensor masks, int numClasses) {
        return oneHot(loaderLabels(masks, numClasses), numClasses, ScalarType.Float);
    }

    private static Tensor oneHot(Tensor pngs, int numClasses, ScalarType type) {
        return torch.one_hot(pngs, numClasses + 1).toType(type);
    }

    /** CE_Loss: the mean cross-entropy over the pixels not ignored, weighted by class */
    Tensor crossEntropy(Tensor logits, Tensor pngs) {
        return torch.cross_entropy_loss(logits, pngs, weights(logits), MEAN, numClasses, 0);
    }

    /**
     * Focal_Loss: per pixel, logpt = -(weighted cross-entropy) (0 where ignored), pt = exp(logpt),
     * loss -(1 - pt)^gamma * alpha * logpt, the mean over every pixel
     */
    Tensor focal(Tensor logits, Tensor pngs) {
        Tensor logpt = torch.cross_entropy_loss(logits, pngs, weights(logits), NO_REDUCTION, numClasses, 0).neg();
        Tensor pt = logpt.exp();
        Tensor modulation = pt.neg().add(new Scalar(1)).pow(new Scalar(FOCAL_GAMMA));
        return modulation.mul(logpt.mul(new Scalar(FOCAL_ALPHA))).neg().mean();
    }

    /**
     * Dice_loss: per class over the whole batch, tp = the softmax summed over its pixels, fp = the
     * softmax elsewhere, fn = its pixels' other softmax; score ((1 + b^2) tp + s) / ((1 + b^2) tp +
     * b^2 fn + fp + s); 1 - the mean score
     *
     * @param segLabels {@link #segLabels} of the labels, in the logits' dtype
     */
    Tensor dice(Tensor logits, Tensor segLabels) {
        long[] batchAndPixels = {0, 2, 3};
        Tensor probabilities = torch.softmax(logits, 1);
        Tensor targets = segLabels.narrow(3, 0, numClasses).permute(0, 3, 1, 2);
        Tensor tp = sum(targets.mul(probabilities), batchAndPixels);
        Tensor fp = sum(probabilities, batchAndPixels).sub(tp);
        Tensor fn = sum(targets, batchAndPixels).sub(tp);
        double b2 = DICE_BETA * DICE_BETA;
        Tensor weightedTp = tp.mul(new Scalar(1 + b2));
        Tensor score = weightedTp.add(new Scalar(DICE_SMOOTH))
                .div(weightedTp.add(fn.mul(new Scalar(b2))).add(fp).add(new Scalar(DICE_SMOOTH)));
        return score.mean().neg().add(new Scalar(1));
    }

    private static Tensor sum(Tensor t, long[] dims) {
        return t.sum(dims, false, new ScalarTypeOptional());
    }

    private TensorOptional weights(Tensor logits) {
        return new TensorOptional(Tensor.create(classWeights).to(logits.device(), logits.scalar_type()));
    }

    /** the logits at the labels' height and width: bilinear with aligned corners where they differ */
    private static Tensor resized(Tensor logits, Tensor pngs) {
        long height = pngs.size(1);
        long width = pngs.size(2);
        if (logits.size(0) != pngs.size(0)) {
            throw new IllegalArgumentException("logits of " + logits.size(0) + " images for labels of " + pngs.size(0));
        }
        if (logits.size(2) == height && logits.size(3) == width) {
            return logits;
        }
        return SegmentationNetwork.resize(logits, height, width);
    }
}

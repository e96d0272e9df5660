package sparkdet.models.yolov5;

import java.util.Arrays;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.Devices;
import sparkdet.model.Loss;
import sparkdet.model.Targets;
import sparkdet.models.yolo.AnchorYoloFamily;
import sparkdet.models.yolo.LossTerms;

/**
 * The training loss of bubbliiiing/yolov5-pytorch (nets/yolo_training.py, YOLOLoss.forward, with the
 * targets of utils/dataloader.py's get_target, see {@link YoloV5Targets}), per output l and summed
 * over the outputs as its fit loop does:
 * <pre>
 *   box:  mean over targets of (1 - GIoU)                                  x 0.05
 *   cls:  mean over targets and classes of BCE                             x 0.5 classes / 80
 *   obj:  mean over all cells of BCE(objectness, GIoU of the cell's target
 *         clamped at 0, detached; 0 where there is no target)              x balance[l] x H W / 640^2
 * </pre>
 * with balance = 0.4 for P5, 1.0 for P4 and 4 for P3 (in output order) and H x W the input size.
 * Predicted boxes decode as centre = 2 sigmoid(t) - 0.5 + cell and size = (2 sigmoid(t))^2 x anchor,
 * in grid cells. BCE is on probabilities clipped to [1e-7, 1 - 1e-7], as there. Label smoothing,
 * when not 0, turns class targets into y (1 - s) + s / classes, as there. The reference has no
 * focal loss and no ignore threshold in this version (its noobj mask is built but unused). The
 * arithmetic runs in the outputs' dtype, as the reference's CUDA path does (its CPU path keeps the
 * float32 targets, which only matters for float64 outputs).
 */
public final class YoloV5Loss implements Loss {
    private static final double[] BALANCE = {0.4, 1.0, 4};
    private static final double BOX_RATIO = 0.05;

    private final float[][] anchors;
    private final int[][] mask;
    private final int numClasses;
    private final int inputH;
    private final int inputW;
    private final double labelSmoothing;
    private final double objRatio;
    private final double clsRatio;

    /**
     * @param anchors (w, h) in input pixels ({@link #defaultAnchors()} for the reference's)
     * @param mask the anchor indices of each output, in output order ({@link #defaultMask()})
     * @param inputH the input height, a multiple of 32 (as the reference's dataloader assumes)
     */
    public YoloV5Loss(float[][] anchors, int[][] mask, int numClasses, int inputH, int inputW, double labelSmoothing) {
        if (mask.length > BALANCE.length) {
            throw new IllegalArgumentException("at most " + BALANCE.length + " output scales, got " + mask.length);
        }
        for (int[] m : mask) {
            for (int a : m) {
                if (a < 0 || a >= anchors.length) {
                    throw new IllegalArgumentException("anchor mask names anchor " + a + " of " + anchors.length);
                }
            }
        }
        for (float[] a : anchors) {
            if (a.length != 2 || !(a[0] > 0) || !(a[1] > 0)) {
                throw new IllegalArgumentException("anchors are (w, h) pairs above 0, got " + Arrays.toString(a));
            }
        }
        if (numClasses < 1) {
            throw new IllegalArgumentException("at least one class, got " + numClasses);
        }
        if (inputH <= 0 || inputW <= 0 || inputH % AnchorYoloFamily.MAX_STRIDE != 0 || inputW % AnchorYoloFamily.MAX_STRIDE != 0) {
            throw new IllegalArgumentException("YOLOv5 input sizes must be multiples of " + AnchorYoloFamily.MAX_STRIDE + ", got "
                    + inputH + " x " + inputW);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.anchors = anchors;
        this.mask = mask;
        this.numClasses = numClasses;
        this.inputH = inputH;
        this.inputW = inputW;
        this.labelSmoothing = labelSmoothing;
        this.objRatio = (double) inputH * inputW / (640.0 * 640.0);
        this.clsRatio = 0.5 * numClasses / 80.0;
    }

    /** model_data/yolo_anchors.txt of the reference: (w, h) in input pixels, for a 640 x 640 input */
    public static float[][] defaultAnchors() {
        return new float[][] {{10, 13}, {16, 30}, {33, 23}, {30, 61}, {62, 45}, {59, 119}, {116, 90}, {156, 198},
            {373, 326}};
    }

    /** train.py's anchors_mask, in output order: P5, P4, P3 */
    public static int[][] defaultMask() {
        return new int[][] {{6, 7, 8}, {3, 4, 5}, {0, 1, 2}};
    }

    /**
     * @param outputs the model's outputs, in the order of the anchor mask (P5, P4, P3)
     * @param targets per image, rows x1, y1, x2, y2, class in input pixels
     */
    @Override
    public Value compute(Tensor[] outputs, Targets targets) {
        return LossTerms.sumOverOutputs(outputs, targets, mask.length, numClasses, this::scaleLoss);
    }

    /** the loss of output l alone, as the reference's yolo_loss(l, output, targets, y_true) */
    Tensor scaleLoss(int l, Tensor output, float[][][] boxes) {
        int bs = (int) output.size(0);
        int gridH = (int) output.size(2);
        int gridW = (int) output.size(3);
        int perScale = mask[l].length;
        int attrs = 5 + numClasses;
        if (output.size(1) != (long) perScale * attrs) {
            throw new IllegalArgumentException("output " + l + " has " + output.size(1) + " channels, expected "
                    + perScale + " x (5 + " + numClasses + ")");
        }
        if ((long) gridH * (AnchorYoloFamily.MAX_STRIDE >> l) != inputH || (long) gridW * (AnchorYoloFamily.MAX_STRIDE >> l) != inputW) {
            throw new IllegalArgumentException("output " + l + " is " + gridH + " x " + gridW + ", expected the input "
                    + inputH + " x " + inputW + " over stride " + (AnchorYoloFamily.MAX_STRIDE >> l));
        }
        YoloV5Targets targets = YoloV5Targets.build(boxes, anchors, mask, l, numClasses, gridH, gridW, inputH, inputW);
        // [batch * anchors * rows * columns, 5 + classes], cells in the order of YoloV5Targets' indices
        Device device = output.device();
        Tensor cells = output.view(bs, perScale, attrs, gridH, gridW).permute(0, 1, 3, 4, 2).reshape(-1, attrs);
        Tensor conf = cells.select(1, 4).sigmoid();
        Tensor objTarget = torch.zeros_like(conf);
        Tensor loss = null;
        int n = targets.count();
        if (n > 0) {
            Tensor index = on(device, Tensor.create(targets.cells));
            Tensor positive = cells.index_select(0, index).sigmoid();
            Tensor xy = positive.narrow(1, 0, 2).mul(new Scalar(2)).sub(new Scalar(0.5))
                    .add(like(output, Tensor.create(targets.gridXy, n, 2)));
            Tensor wh = positive.narrow(1, 2, 2).mul(new Scalar(2)).square()
                    .mul(like(output, Tensor.create(targets.anchorWh, n, 2)));
            Tensor target = like(output, Tensor.create(targets.boxes, n, 4));
            Tensor giou = LossTerms.giou(xy, wh, target.narrow(1, 0, 2), target.narrow(1, 2, 2));
            Tensor boxLoss = giou.neg().add(new Scalar(1)).mean();
            Tensor classTarget = like(output, Tensor.create(targets.classes, n, numClasses));
            if (labelSmoothing != 0) {
                classTarget = classTarget.mul(new Scalar(1 - labelSmoothing)).add(new Scalar(labelSmoothing / numClasses));
            }
            Tensor clsLoss = LossTerms.bce(positive.narrow(1, 5, numClasses), classTarget).mean();
            loss = boxLoss.mul(new Scalar(BOX_RATIO)).add(clsLoss.mul(new Scalar(clsRatio)));
            objTarget = objTarget.index_copy(0, index, giou.detach().clamp_min(new Scalar(0)));
        }
        Tensor objLoss = LossTerms.bce(conf, objTarget).mean().mul(new Scalar(BALANCE[l] * objRatio));
        return loss == null ? objLoss : loss.add(objLoss);
    }

    /** a target built on the CPU in float32, in the output's dtype and on its device */
    private static Tensor like(Tensor output, Tensor cpu) {
        return on(output.device(), cpu).toType(output.scalar_type());
    }

    private static Tensor on(Device device, Tensor cpu) {
        return Devices.to(cpu, device);
    }
}

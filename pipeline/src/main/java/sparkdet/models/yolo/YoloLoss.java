package sparkdet.models.yolo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.Devices;
import sparkdet.model.Loss;
import sparkdet.model.Targets;

/**
 * The training loss of bubbliiiing/yolov4-tiny-pytorch and yolov4-pytorch (nets/yolo_training.py,
 * YOLOLoss), per output scale l and summed over the scales as their fit loops do:
 * <pre>
 *   box:  mean over objects of (1 - CIoU)                        x 0.05
 *   cls:  mean over objects and classes of BCE                   x classes / 80
 *   obj:  mean of BCE over cells with an object or not ignored   x balance[l] x 5 (H W) / 416^2
 * </pre>
 * with balance = 0.4, 1.0, 4 for P5, P4, P3; a cell is ignored (neither positive nor negative) when
 * its decoded prediction overlaps any ground truth box of its image with IoU above 0.5. BCE is on
 * probabilities clipped to [1e-7, 1 - 1e-7], as there. Label smoothing, when not 0, turns class
 * targets into y (1 - s) + s / classes (the repository defines it but leaves it unapplied).
 * Everything past target assignment is tensor operations over the whole batch.
 * yolov4-pytorch's copy also leaves out positives whose CIoU is NaN (a prediction overflowed to an
 * infinite box); here such a step's loss is NaN instead. Its target assignment skips the fallback to
 * the best anchor inside the mask that yolov4-tiny-pytorch has, which its mask of all nine anchors
 * never needs.
 *
 * <p>bubbliiiing/yolo3-pytorch's YOLOLoss is the same but for the box term: 1 - GIoU (its
 * {@code giou = True}, box_giou: IoU over the unclamped union, minus the enclosing box's area not in
 * the union over the enclosing area) instead of 1 - CIoU, and it has no label smoothing; the
 * {@link BoxIou#GIOU} constructor gives that box term.
 *
 * <p>bubbliiiing/yolov4-pytorch's YOLOLoss adds an optional focal objectness term ({@link FocalLoss},
 * its focal_loss = True; its train.py leaves it off): each cell's BCE weighted by alpha for objects and
 * 1 - alpha otherwise, times (1 - p)^gamma for objects and p^gamma otherwise, averaged over the
 * counted cells and multiplied by 10.
 */
public final class YoloLoss implements Loss {
    private static final double[] BALANCE = {0.4, 1.0, 4};
    private static final double BOX_RATIO = 0.05;
    private static final double IGNORE_THRESHOLD = 0.5;
    private static final double MIN_DENOMINATOR = 1e-6;

    private final float[][] anchors;
    private final int[][] mask;
    private final int numClasses;
    private final int inputH;
    private final int inputW;
    private final double labelSmoothing;
    private final double objRatio;
    private final double clsRatio;
    private final BoxIou boxIou;
    private final Optional<FocalLoss> focalLoss;
    private final Map<List<Integer>, float[]> grids = new ConcurrentHashMap<>();

    /** the IoU of the box term, 1 - IoU: yolov4-tiny-pytorch's box_ciou, or yolo3-pytorch's box_giou */
    public enum BoxIou {
        CIOU,
        GIOU
    }

    /**
     * @param anchors (w, h) in input pixels
     * @param mask the anchor indices of each output, in output order
     */
    public YoloLoss(float[][] anchors, int[][] mask, int numClasses, int inputH, int inputW, double labelSmoothing) {
        this(anchors, mask, numClasses, inputH, inputW, labelSmoothing, BoxIou.CIOU);
    }

    /**
     * yolov4-pytorch's focal objectness term: alpha weighs objects against the rest, gamma the hard
     * cells against the easy ones
     */
    public record FocalLoss(double alpha, double gamma) {
        /** yolov4-pytorch's train.py: focal_alpha = 0.25, focal_gamma = 2 */
        public static final FocalLoss REFERENCE = new FocalLoss(0.25, 2);
        /** the repository's focal_loss_ratio: the focal term's weight against the plain BCE's */
        static final double RATIO = 10;

        /** per cell, the factor of its BCE */
        Tensor weights(Tensor conf, Tensor objectMask) {
            Tensor background = objectMask.neg().add(new Scalar(1));
            Tensor posNeg = objectMask.mul(new Scalar(alpha)).add(background.mul(new Scalar(1 - alpha)));
            Tensor hardEasy = objectMask.mul(conf.neg().add(new Scalar(1))).add(background.mul(conf))
                    .pow(new Scalar(gamma));
            return posNeg.mul(hardEasy).mul(new Scalar(RATIO));
        }
    }

    /**
     * @param anchors (w, h) in input pixels
     * @param mask the anchor indices of each output, in output order
     * @param boxIou the box term's IoU
     */
    public YoloLoss(float[][] anchors, int[][] mask, int numClasses, int inputH, int inputW, double labelSmoothing,
            BoxIou boxIou) {
        this(anchors, mask, numClasses, inputH, inputW, labelSmoothing, boxIou, Optional.empty());
    }

    /**
     * @param anchors (w, h) in input pixels
     * @param mask the anchor indices of each output, in output order
     * @param boxIou the box term's IoU
     * @param focalLoss the focal objectness term, or empty for the plain BCE
     */
    public YoloLoss(float[][] anchors, int[][] mask, int numClasses, int inputH, int inputW, double labelSmoothing,
            BoxIou boxIou, Optional<FocalLoss> focalLoss) {
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
        this.anchors = anchors;
        this.mask = mask;
        this.numClasses = numClasses;
        this.inputH = inputH;
        this.inputW = inputW;
        this.labelSmoothing = labelSmoothing;
        this.boxIou = boxIou;
        this.focalLoss = focalLoss;
        this.objRatio = 5.0 * inputH * inputW / (416.0 * 416.0);
        this.clsRatio = numClasses / 80.0;
    }

    /** @param outputs the model's outputs, in the order of the anchor mask */
    @Override
    public Value compute(Tensor[] outputs, Targets targets) {
        return LossTerms.sumOverOutputs(outputs, targets, mask.length, numClasses, this::scaleLoss);
    }

    private Tensor scaleLoss(int l, Tensor output, float[][][] boxes) {
        int bs = (int) output.size(0);
        int gridH = (int) output.size(2);
        int gridW = (int) output.size(3);
        int perScale = mask[l].length;
        int attrs = 5 + numClasses;
        if (output.size(1) != (long) perScale * attrs) {
            throw new IllegalArgumentException("output " + l + " has " + output.size(1) + " channels, expected "
                    + perScale + " x (5 + " + numClasses + ")");
        }
        YoloTargets targets = YoloTargets.build(boxes, anchors, mask, l, numClasses, gridH, gridW, inputH, inputW);
        // [batch * anchors * rows * columns, 5 + classes], cells in the order of YoloTargets' indices
        Device device = output.device();
        Tensor cells = output.view(bs, perScale, attrs, gridH, gridW).permute(0, 1, 3, 4, 2).reshape(-1, attrs);

        Tensor objectMask = on(device, Tensor.create(targets.objectMask));
        Tensor notIgnored = ignoreMask(cells, boxes, l, bs, gridH, gridW).logical_not();
        Tensor counted = objectMask.gt(new Scalar(0.5)).logical_or(notIgnored).toType(torch.ScalarType.Float);
        Tensor conf = cells.select(1, 4).sigmoid();
        Tensor objBce = LossTerms.bce(conf, objectMask);
        if (focalLoss.isPresent()) {
            objBce = objBce.mul(focalLoss.get().weights(conf, objectMask));
        }
        Tensor objLoss = objBce.mul(counted).sum().div(counted.sum());
        Tensor loss = objLoss.mul(new Scalar(BALANCE[l] * objRatio));

        int n = targets.count();
        if (n > 0) {
            Tensor positive = cells.index_select(0, on(device, Tensor.create(targets.cells)));
            Tensor xy = positive.narrow(1, 0, 2).sigmoid().add(on(device, Tensor.create(targets.gridXy, n, 2)));
            Tensor wh = positive.narrow(1, 2, 2).exp().mul(on(device, Tensor.create(targets.anchorWh, n, 2)));
            Tensor target = on(device, Tensor.create(targets.boxes, n, 4));
            Tensor iou = boxIou == BoxIou.GIOU ? LossTerms.giou(xy, wh, target.narrow(1, 0, 2), target.narrow(1, 2, 2))
                    : ciou(xy, wh, target.narrow(1, 0, 2), target.narrow(1, 2, 2));
            Tensor boxLoss = iou.neg().add(new Scalar(1)).mean();
            Tensor classTarget = on(device, Tensor.create(targets.classes, n, numClasses));
            if (labelSmoothing != 0) {
                classTarget = classTarget.mul(new Scalar(1 - labelSmoothing)).add(new Scalar(labelSmoothing / numClasses));
            }
            Tensor clsLoss = LossTerms.bce(positive.narrow(1, 5, numClasses).sigmoid(), classTarget).mean();
            loss = loss.add(boxLoss.mul(new Scalar(BOX_RATIO))).add(clsLoss.mul(new Scalar(clsRatio)));
        }
        return loss;
    }

    /**
     * cells whose decoded box overlaps some ground truth box of its image with IoU above the
     * threshold; a constant of the step, so computed without autograd
     */
    private Tensor ignoreMask(Tensor cells, float[][][] boxes, int l, int bs, int gridH, int gridW) {
        int perImage = mask[l].length * gridH * gridW;
        float[] grid = grids.computeIfAbsent(List.of(l, gridH, gridW), key -> grid(l, gridH, gridW));
        int most = 1;
        for (float[][] image : boxes) {
            most = Math.max(most, image.length);
        }
        // images with fewer boxes are padded with unit boxes far outside the grid: IoU 0 with anything
        float[] truth = new float[bs * most * 4];
        for (int b = 0; b < bs; b++) {
            for (int t = 0; t < most; t++) {
                int at = (b * most + t) * 4;
                if (t < boxes[b].length) {
                    System.arraycopy(YoloTargets.inGrid(boxes[b][t], gridH, gridW, inputH, inputW), 0, truth, at, 4);
                } else {
                    truth[at] = -1e4f;
                    truth[at + 1] = -1e4f;
                    truth[at + 2] = 1;
                    truth[at + 3] = 1;
                }
            }
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor g = on(cells.device(), Tensor.create(grid, 4, 1, 1, perImage));
            Tensor raw = cells.detach().view(bs, 1, perImage, cells.size(1));
            Tensor px = raw.select(3, 0).sigmoid().add(g.select(0, 0));
            Tensor py = raw.select(3, 1).sigmoid().add(g.select(0, 1));
            Tensor pw = raw.select(3, 2).exp().mul(g.select(0, 2));
            Tensor ph = raw.select(3, 3).exp().mul(g.select(0, 3));
            Tensor gt = on(cells.device(), Tensor.create(truth, bs, most, 1, 4));
            Tensor iou = iou(px, py, pw, ph, gt.select(3, 0), gt.select(3, 1), gt.select(3, 2), gt.select(3, 3));
            return iou.amax(new long[] {1}, false).gt(new Scalar(IGNORE_THRESHOLD)).reshape(-1);
        }
    }

    /**
     * per cell of one image at scale l: its column, row, and its anchor's width and height in grid
     * units, as four planes; constant for an output size, so built once
     */
    private float[] grid(int l, int gridH, int gridW) {
        int perScale = mask[l].length;
        int perImage = perScale * gridH * gridW;
        float[] grid = new float[4 * perImage];
        for (int k = 0; k < perScale; k++) {
            float[] anchor = anchors[mask[l][k]];
            for (int j = 0; j < gridH; j++) {
                for (int i = 0; i < gridW; i++) {
                    int c = (k * gridH + j) * gridW + i;
                    grid[c] = i;
                    grid[perImage + c] = j;
                    grid[2 * perImage + c] = anchor[0] * gridW / inputW;
                    grid[3 * perImage + c] = anchor[1] * gridH / inputH;
                }
            }
        }
        return grid;
    }

    /** IoU of centre-size boxes, broadcasting */
    private static Tensor iou(Tensor ax, Tensor ay, Tensor aw, Tensor ah, Tensor bx, Tensor by, Tensor bw, Tensor bh) {
        Tensor iw = overlap(ax, aw, bx, bw);
        Tensor ih = overlap(ay, ah, by, bh);
        Tensor inter = iw.mul(ih);
        return inter.div(aw.mul(ah).add(bw.mul(bh)).sub(inter));
    }

    private static Tensor overlap(Tensor a, Tensor aSize, Tensor b, Tensor bSize) {
        Tensor aHalf = aSize.div(new Scalar(2));
        Tensor bHalf = bSize.div(new Scalar(2));
        Tensor hi = torch.minimum(a.add(aHalf), b.add(bHalf));
        Tensor lo = torch.maximum(a.sub(aHalf), b.sub(bHalf));
        return hi.sub(lo).clamp_min(new Scalar(0));
    }

    /** complete IoU of predicted and target boxes, [n, 2] centres and sizes, as the repository's box_ciou */
    static Tensor ciou(Tensor pXy, Tensor pWh, Tensor tXy, Tensor tWh) {
        LossTerms.BoxOverlap o = LossTerms.BoxOverlap.of(pXy, pWh, tXy, tWh);
        Tensor iou = o.inter().div(o.union().clamp_min(new Scalar(MIN_DENOMINATOR)));
        Tensor centreDistance = pXy.sub(tXy).square().sum(1);
        Tensor diagonal = o.encloseWh().square().sum(1);
        Tensor pAtan = pWh.select(1, 0).div(pWh.select(1, 1).clamp_min(new Scalar(MIN_DENOMINATOR))).atan();
        Tensor tAtan = tWh.select(1, 0).div(tWh.select(1, 1).clamp_min(new Scalar(MIN_DENOMINATOR))).atan();
        Tensor v = pAtan.sub(tAtan).square().mul(new Scalar(4 / (Math.PI * Math.PI)));
        Tensor alpha = v.div(iou.neg().add(new Scalar(1)).add(v).clamp_min(new Scalar(MIN_DENOMINATOR)));
        return iou.sub(centreDistance.div(diagonal.clamp_min(new Scalar(MIN_DENOMINATOR)))).sub(alpha.mul(v));
    }

    /** targets are built on the CPU; the loss runs where the outputs are */
    private static Tensor on(Device device, Tensor cpu) {
        return Devices.to(cpu, device);
    }
}

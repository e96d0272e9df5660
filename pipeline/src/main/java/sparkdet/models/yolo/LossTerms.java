package sparkdet.models.yolo;

import java.util.Arrays;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import sparkdet.model.Loss;
import sparkdet.model.Targets;

/** Terms and checks the YOLO families' losses share, written as their reference repositories write them. */
public final class LossTerms {
    /** the probability clip of the references' BCELoss */
    private static final double EPS = 1e-7;

    private LossTerms() {
    }

    /** binary cross-entropy on probabilities clipped to [1e-7, 1 - 1e-7], element-wise */
    public static Tensor bce(Tensor p, Tensor target) {
        Tensor q = p.clamp_min(new Scalar(EPS)).clamp_max(new Scalar(1 - EPS));
        return target.mul(q.log()).add(target.neg().add(new Scalar(1)).mul(q.neg().add(new Scalar(1)).log())).neg();
    }

    /** a family's loss of output l alone, given the batch's boxes (already checked) */
    public interface ScaleLoss {
        Tensor of(int l, Tensor output, float[][][] boxes);
    }

    /**
     * The losses of the YOLO repositories: each output's loss, summed over the outputs, as their
     * fit loops sum them.
     *
     * @param outputs the model's outputs, in the order of the anchor mask
     * @throws IllegalArgumentException for another number of outputs, or a box that is not a box
     */
    public static Loss.Value sumOverOutputs(Tensor[] outputs, Targets targets, int expectedOutputs, int numClasses,
                                           ScaleLoss scaleLoss) {
        float[][][] boxes = targets.boxes();
        if (outputs.length != expectedOutputs) {
            throw new IllegalArgumentException(outputs.length + " outputs for " + expectedOutputs + " anchor groups");
        }
        checkBoxes(boxes, outputs[0].size(0), numClasses);
        Tensor total = null;
        for (int l = 0; l < outputs.length; l++) {
            Tensor part = scaleLoss.of(l, outputs[l], boxes);
            total = total == null ? part : total.add(part);
        }
        return new Loss.Value(total, total.item_float());
    }

    /**
     * What the IoU-type box terms share, for predicted and target boxes given as [n, 2] centres and
     * sizes: the intersection, the union (not clamped) and the enclosing box's sides.
     */
    record BoxOverlap(Tensor inter, Tensor union, Tensor encloseWh) {
        static BoxOverlap of(Tensor pXy, Tensor pWh, Tensor tXy, Tensor tWh) {
            Tensor pHalf = pWh.div(new Scalar(2));
            Tensor tHalf = tWh.div(new Scalar(2));
            Tensor pMin = pXy.sub(pHalf);
            Tensor pMax = pXy.add(pHalf);
            Tensor tMin = tXy.sub(tHalf);
            Tensor tMax = tXy.add(tHalf);
            Tensor interWh = torch.minimum(pMax, tMax).sub(torch.maximum(pMin, tMin)).clamp_min(new Scalar(0));
            Tensor inter = interWh.select(1, 0).mul(interWh.select(1, 1));
            Tensor union = pWh.select(1, 0).mul(pWh.select(1, 1)).add(tWh.select(1, 0).mul(tWh.select(1, 1)))
                    .sub(inter);
            Tensor encloseWh = torch.maximum(pMax, tMax).sub(torch.minimum(pMin, tMin)).clamp_min(new Scalar(0));
            return new BoxOverlap(inter, union, encloseWh);
        }
    }

    /**
     * generalised IoU of predicted and target boxes, [n, 2] centres and sizes, as the repositories'
     * box_giou (yolo3-pytorch, yolov5-pytorch): iou - (enclose - union) / enclose, without epsilons
     * (a positive's target box has a positive area)
     */
    public static Tensor giou(Tensor pXy, Tensor pWh, Tensor tXy, Tensor tWh) {
        BoxOverlap o = BoxOverlap.of(pXy, pWh, tXy, tWh);
        Tensor iou = o.inter().div(o.union());
        Tensor enclose = o.encloseWh().select(1, 0).mul(o.encloseWh().select(1, 1));
        return iou.sub(enclose.sub(o.union()).div(enclose));
    }

    /**
     * @param boxes per image, rows x1, y1, x2, y2, class in input pixels
     * @throws IllegalArgumentException naming the image and box that is not a box of a known class
     */
    public static void checkBoxes(float[][][] boxes, long batch, int numClasses) {
        if (boxes.length != batch) {
            throw new IllegalArgumentException(boxes.length + " box lists for a batch of " + batch);
        }
        for (int b = 0; b < boxes.length; b++) {
            for (int r = 0; r < boxes[b].length; r++) {
                float[] row = boxes[b][r];
                if (row.length < 5 || !(row[2] > row[0]) || !(row[3] > row[1])
                        || row[4] < 0 || row[4] >= numClasses || row[4] != Math.floor(row[4])) {
                    throw new IllegalArgumentException("image " + b + " box " + r + " is not x1 < x2, y1 < y2 and a class in [0, "
                            + numClasses + "): " + Arrays.toString(row));
                }
            }
        }
    }
}

package sparkdet.models.yolox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import sparkdet.model.Devices;
import sparkdet.model.Loss;
import sparkdet.model.Targets;
import sparkdet.models.yolo.LossTerms;

/**
 * The training loss of bubbliiiing/yolox-pytorch (nets/yolo_training.py, YOLOLoss), over the batch:
 * the outputs (strides 8, 16, 32) decoded as the reference's get_output_and_grid does, centre =
 * (xy + cell) x stride and size = exp(wh) x stride in input pixels; the foreground assigned per
 * picture by SimOTA ({@link SimOta}); then
 * <pre>
 *   loss = (5 sum over foreground of (1 - IoU^2)                      IOUloss, loss_type "iou"
 *           + sum over all anchor points of BCE(obj logit, foreground)
 *           + sum over foreground and classes of BCE(cls logit, one-hot class x IoU of the assignment))
 *          / max(number of foreground anchor points in the batch, 1)
 * </pre>
 * with BCE on logits (BCEWithLogitsLoss). This repository's loss has no L1 term and no label
 * smoothing. The arithmetic runs in the outputs' dtype; the assignment on the CPU, in double.
 */
public final class YoloXLoss implements Loss {
    private static final double REG_WEIGHT = 5.0;

    private final int numClasses;
    private final int[] strides;
    private final int inputH;
    private final int inputW;

    /**
     * @param strides the outputs' strides, in output order (8, 16, 32)
     * @param inputH the input height, a multiple of the largest stride
     */
    public YoloXLoss(int numClasses, int[] strides, int inputH, int inputW) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("at least one class, got " + numClasses);
        }
        int largest = Arrays.stream(strides).max().orElseThrow();
        if (inputH <= 0 || inputW <= 0 || inputH % largest != 0 || inputW % largest != 0) {
            throw new IllegalArgumentException("YOLOX input sizes must be multiples of " + largest + ", got " + inputH
                    + " x " + inputW);
        }
        this.numClasses = numClasses;
        this.strides = strides.clone();
        this.inputH = inputH;
        this.inputW = inputW;
    }

    /**
     * @param outputs the network's outputs, strides 8, 16, 32, each [N, 5 + classes, H, W]
     * @param targets per image, rows x1, y1, x2, y2, class in input pixels
     */
    @Override
    public Value compute(Tensor[] outputs, Targets targets) {
        float[][][] boxes = targets.boxes();
        if (outputs.length != strides.length) {
            throw new IllegalArgumentException(outputs.length + " outputs for " + strides.length + " strides");
        }
        LossTerms.checkBoxes(boxes, outputs[0].size(0), numClasses);
        int batch = (int) outputs[0].size(0);
        int attrs = 5 + numClasses;
        Device device = outputs[0].device();
        ScalarType dtype = outputs[0].scalar_type();

        // [N, anchor points, 5 + classes], the levels' cells row by row, as get_output_and_grid flattens them
        TensorVector levels = new TensorVector();
        int points = 0;
        for (int l = 0; l < outputs.length; l++) {
            Tensor o = outputs[l];
            if (o.dim() != 4 || o.size(1) != attrs || o.size(2) * strides[l] != inputH || o.size(3) * strides[l] != inputW) {
                throw new IllegalArgumentException("output " + l + " is " + Arrays.toString(o.sizes().vec().get())
                        + ", expected [N, 5 + " + numClasses + ", " + inputH / strides[l] + ", " + inputW / strides[l] + "]");
            }
            levels.push_back(o.flatten(2, -1).permute(0, 2, 1));
            points += (int) (o.size(2) * o.size(3));
        }
        // per anchor point: its cell's column and row, its stride, its centre x and y in input pixels
        float[] gridAndStride = new float[3 * points];
        double[][] centres = new double[points][];
        double[] pointStrides = new double[points];
        int p = 0;
        for (int l = 0; l < outputs.length; l++) {
            int w = (int) outputs[l].size(3);
            for (int cell = 0; cell < outputs[l].size(2) * w; cell++, p++) {
                gridAndStride[3 * p] = cell % w;
                gridAndStride[3 * p + 1] = cell / w;
                gridAndStride[3 * p + 2] = strides[l];
                centres[p] = new double[] {(cell % w + 0.5) * strides[l], (cell / w + 0.5) * strides[l]};
                pointStrides[p] = strides[l];
            }
        }
        Tensor raw = torch.cat(levels, 1);
        Tensor grid = Devices.to(Tensor.create(gridAndStride, points, 3), device).toType(dtype);
        Tensor stride = grid.narrow(1, 2, 1);
        Tensor decodedBoxes = torch.cat(new TensorVector(raw.narrow(2, 0, 2).add(grid.narrow(1, 0, 2)).mul(stride),
                raw.narrow(2, 2, 2).exp().mul(stride)), 2);

        double[] predictions;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor rows = torch.cat(new TensorVector(decodedBoxes, raw.narrow(2, 4, 1 + numClasses)), 2).detach()
                    .toType(ScalarType.Double).cpu().contiguous();
            predictions = new double[(int) rows.numel()];
            rows.data_ptr_double().get(predictions);
        }

        // the batch's foreground: flat anchor index, box, class target
        List<Long> fgIndex = new ArrayList<>();
        List<double[]> regTargets = new ArrayList<>();
        List<double[]> clsTargets = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            double[][] gt = centreSize(boxes[b]);
            if (gt.length == 0) {
                continue;
            }
            SimOta.Assignment a = SimOta.assign(gt, centres, pointStrides, predictions, b * points * attrs, attrs,
                    numClasses);
            for (int i = 0; i < a.size(); i++) {
                fgIndex.add((long) b * points + a.anchors()[i]);
                double[] box = gt[a.boxes()[i]];
                regTargets.add(Arrays.copyOf(box, 4));
                double[] cls = new double[numClasses];
                cls[(int) box[4]] = a.ious()[i];
                clsTargets.add(cls);
            }
        }
        int numFg = fgIndex.size();

        Tensor flatBoxes = decodedBoxes.reshape(-1, 4);
        Tensor flatRaw = raw.reshape(-1, attrs);
        double[] objTarget = new double[batch * points];
        fgIndex.forEach(i -> objTarget[(int) (long) i] = 1);
        Tensor loss = bceWithLogits(flatRaw.select(1, 4), like(Tensor.create(objTarget), device, dtype));
        if (numFg > 0) {
            Tensor index = Devices.to(Tensor.create(fgIndex.stream().mapToLong(Long::longValue).toArray()), device);
            Tensor pred = flatBoxes.index_select(0, index);
            Tensor target = like(Tensor.create(flatten(regTargets, 4), numFg, 4), device, dtype);
            Tensor clsTarget = like(Tensor.create(flatten(clsTargets, numClasses), numFg, numClasses), device, dtype);
            Tensor iouLoss = iou(pred, target).square().neg().add(new Scalar(1)).sum();
            Tensor clsLoss = bceWithLogits(flatRaw.narrow(1, 5, numClasses).index_select(0, index), clsTarget);
            loss = loss.add(iouLoss.mul(new Scalar(REG_WEIGHT))).add(clsLoss);
        }
        loss = loss.div(new Scalar((double) Math.max(numFg, 1)));
        return new Value(loss, loss.item_float());
    }

    /** x1, y1, x2, y2, class rows to the reference's label rows: centre x, centre y, width, height, class */
    private static double[][] centreSize(float[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] r = rows[i];
            out[i] = new double[] {(r[0] + r[2]) / 2.0, (r[1] + r[3]) / 2.0, r[2] - (double) r[0], r[3] - (double) r[1],
                r[4]};
        }
        return out;
    }

    /**
     * IoU of predicted and target boxes, [n, 4] centre/size, as the reference's IOUloss: the
     * intersection only where both sides overlap, 1e-16 added to the union
     */
    private static Tensor iou(Tensor pred, Tensor target) {
        Tensor pXy = pred.narrow(1, 0, 2);
        Tensor pWh = pred.narrow(1, 2, 2);
        Tensor tXy = target.narrow(1, 0, 2);
        Tensor tWh = target.narrow(1, 2, 2);
        Tensor tl = torch.maximum(pXy.sub(pWh.div(new Scalar(2))), tXy.sub(tWh.div(new Scalar(2))));
        Tensor br = torch.minimum(pXy.add(pWh.div(new Scalar(2))), tXy.add(tWh.div(new Scalar(2))));
        Tensor overlaps = tl.lt(br).toType(pred.scalar_type()).prod(1);
        Tensor inter = br.sub(tl).prod(1).mul(overlaps);
        Tensor union = pWh.prod(1).add(tWh.prod(1)).sub(inter).add(new Scalar(1e-16));
        return inter.div(union);
    }

    /** BCEWithLogitsLoss(reduction "sum") in its stable form: max(x, 0) - x t + log(1 + exp(-|x|)) */
    private static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return logits.clamp_min(new Scalar(0)).sub(logits.mul(target)).add(logits.abs().neg().exp().log1p()).sum();
    }

    private static Tensor like(Tensor cpu, Device device, ScalarType dtype) {
        return Devices.to(cpu, device).toType(dtype);
    }

    private static double[] flatten(List<double[]> rows, int width) {
        double[] out = new double[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, out, i * width, width);
        }
        return out;
    }
}

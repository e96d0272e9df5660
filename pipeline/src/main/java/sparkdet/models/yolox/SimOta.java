package sparkdet.models.yolox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The reference's SimOTA label assignment for one picture (YOLOLoss.get_assignments,
 * get_in_boxes_info and dynamic_k_matching in nets/yolo_training.py), on plain arrays: it runs
 * without gradients, and in double precision whatever the outputs' dtype.
 * <ol>
 *   <li>Candidates: the anchor points whose centre ((cell + 0.5) x stride) lies inside some box, or
 *       within 2.5 strides of some box's centre.</li>
 *   <li>Cost of box g for candidate a: the classification cost (binary cross-entropy of
 *       sqrt(sigmoid(cls) x sigmoid(obj)) against g's one-hot class, summed over the classes, logs
 *       clamped at -100 as F.binary_cross_entropy) + 3 (-log(IoU + 1e-8)) + 100000 unless a is both
 *       inside g and near its centre.</li>
 *   <li>Dynamic k of g: int(the sum of its 10 best IoUs over the candidates), at least 1; g takes
 *       its k cheapest candidates.</li>
 *   <li>A candidate taken by several boxes goes to the box of least cost over all boxes.</li>
 * </ol>
 */
final class SimOta {
    private static final double CENTER_RADIUS = 2.5;
    private static final double IOU_COST_WEIGHT = 3.0;
    private static final double OUTSIDE_COST = 100000.0;
    private static final int CANDIDATE_K = 10;

    /**
     * The picture's foreground, in anchor order.
     *
     * @param anchors the foreground anchor points
     * @param boxes the box each is assigned to
     * @param ious the IoU of each one's predicted box with its box (the class target's value)
     */
    record Assignment(int[] anchors, int[] boxes, double[] ious) {
        static final Assignment NONE = new Assignment(new int[0], new int[0], new double[0]);

        int size() {
            return anchors.length;
        }
    }

    private SimOta() {
    }

    /**
     * @param gt the picture's boxes: centre x, centre y, width, height in input pixels, class
     * @param centres per anchor point its centre x, y in input pixels
     * @param strides per anchor point its stride
     * @param predictions per anchor point, from {@code offset}: its decoded box (centre x, centre y,
     *     width, height in input pixels), objectness logit, class logits; rows of {@code rowLength}
     */
    static Assignment assign(double[][] gt, double[][] centres, double[] strides, double[] predictions, int offset,
                             int rowLength, int numClasses) {
        int numGt = gt.length;
        int numAnchors = strides.length;
        boolean[][] inBox = new boolean[numGt][numAnchors];
        boolean[][] inCentre = new boolean[numGt][numAnchors];
        List<Integer> candidateList = new ArrayList<>();
        for (int a = 0; a < numAnchors; a++) {
            boolean candidate = false;
            double x = centres[a][0];
            double y = centres[a][1];
            double r = CENTER_RADIUS * strides[a];
            for (int g = 0; g < numGt; g++) {
                double[] b = gt[g];
                inBox[g][a] = Math.min(Math.min(x - (b[0] - 0.5 * b[2]), y - (b[1] - 0.5 * b[3])),
                        Math.min((b[0] + 0.5 * b[2]) - x, (b[1] + 0.5 * b[3]) - y)) > 0;
                inCentre[g][a] = Math.min(Math.min(x - (b[0] - r), y - (b[1] - r)), Math.min((b[0] + r) - x, (b[1] + r) - y)) > 0;
                candidate |= inBox[g][a] || inCentre[g][a];
            }
            if (candidate) {
                candidateList.add(a);
            }
        }
        int[] candidates = candidateList.stream().mapToInt(Integer::intValue).toArray();
        int k = candidates.length;
        if (k == 0) {
            // the reference fails here (topk of an empty row); a picture whose boxes reach no anchor point has no foreground
            return Assignment.NONE;
        }
        double[][] ious = new double[numGt][k];
        double[][] cost = new double[numGt][k];
        for (int j = 0; j < k; j++) {
            int a = candidates[j];
            int row = offset + a * rowLength;
            double obj = sigmoid(predictions[row + 4]);
            double[] p = new double[numClasses];
            for (int c = 0; c < numClasses; c++) {
                p[c] = Math.sqrt(sigmoid(predictions[row + 5 + c]) * obj);
            }
            for (int g = 0; g < numGt; g++) {
                double iou = iou(gt[g], predictions, row);
                ious[g][j] = iou;
                int cls = (int) gt[g][4];
                double clsCost = 0;
                for (int c = 0; c < numClasses; c++) {
                    clsCost -= c == cls ? clampedLog(p[c]) : clampedLog(1 - p[c]);
                }
                cost[g][j] = clsCost + IOU_COST_WEIGHT * -Math.log(iou + 1e-8)
                        + (inBox[g][a] && inCentre[g][a] ? 0 : OUTSIDE_COST);
            }
        }
        int[] takenBy = new int[k];
        int[] takers = new int[k];
        Arrays.fill(takenBy, -1);
        for (int g = 0; g < numGt; g++) {
            double[] sorted = ious[g].clone();
            Arrays.sort(sorted);
            double top = 0;
            for (int i = 0; i < Math.min(CANDIDATE_K, k); i++) {
                top += sorted[k - 1 - i];
            }
            int dynamicK = Math.max(1, (int) top);
            double[] row = cost[g];
            Integer[] order = IntStream.range(0, k).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble(j -> row[j]));
            for (int i = 0; i < dynamicK; i++) {
                takenBy[order[i]] = g;
                takers[order[i]]++;
            }
        }
        List<int[]> foreground = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            if (takers[j] == 0) {
                continue;
            }
            int g = takenBy[j];
            if (takers[j] > 1) {
                g = 0;
                for (int other = 1; other < numGt; other++) {
                    if (cost[other][j] < cost[g][j]) {
                        g = other;
                    }
                }
            }
            foreground.add(new int[] {j, g});
        }
        int n = foreground.size();
        int[] anchors = new int[n];
        int[] boxes = new int[n];
        double[] matchedIous = new double[n];
        for (int i = 0; i < n; i++) {
            int j = foreground.get(i)[0];
            anchors[i] = candidates[j];
            boxes[i] = foreground.get(i)[1];
            matchedIous[i] = ious[boxes[i]][j];
        }
        return new Assignment(anchors, boxes, matchedIous);
    }

    /** IoU of a box and a predicted box, both centre/size, as the reference's bboxes_iou (no epsilon) */
    private static double iou(double[] b, double[] predictions, int row) {
        double px = predictions[row];
        double py = predictions[row + 1];
        double pw = predictions[row + 2];
        double ph = predictions[row + 3];
        double left = Math.max(b[0] - b[2] / 2, px - pw / 2);
        double top = Math.max(b[1] - b[3] / 2, py - ph / 2);
        double right = Math.min(b[0] + b[2] / 2, px + pw / 2);
        double bottom = Math.min(b[1] + b[3] / 2, py + ph / 2);
        double inter = left < right && top < bottom ? (right - left) * (bottom - top) : 0;
        return inter / (b[2] * b[3] + pw * ph - inter);
    }

    private static double clampedLog(double p) {
        return Math.max(Math.log(p), -100);
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}

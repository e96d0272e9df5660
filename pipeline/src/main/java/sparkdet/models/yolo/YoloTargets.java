package sparkdet.models.yolo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The targets of one output scale, built as the repository's YOLOLoss.get_target does: each ground
 * truth box goes to the anchor whose shape (w, h, both boxes centred) overlaps it most; if that
 * anchor is in no scale's mask, to the best-overlapping one that is; and only at the scale whose
 * mask holds it, in the grid cell of its centre. A later box on the same cell and anchor replaces
 * the earlier one's box but, as there, adds its class to the earlier one's. Units are grid cells.
 */
final class YoloTargets {
    /** the cells that hold an object, as flat indices into [batch, anchor, row, column] */
    final long[] cells;
    /** per target: centre x, centre y, width, height */
    final float[] boxes;
    /** per target: its cell's column, row, and its anchor's width and height */
    final float[] gridXy;
    final float[] anchorWh;
    /** per target: the class targets */
    final float[] classes;
    /** per cell of the scale: 1 where a target is */
    final float[] objectMask;

    private YoloTargets(Map<Long, Target> targets, int numClasses, int cellCount) {
        int n = targets.size();
        cells = new long[n];
        boxes = new float[4 * n];
        gridXy = new float[2 * n];
        anchorWh = new float[2 * n];
        classes = new float[numClasses * n];
        objectMask = new float[cellCount];
        int t = 0;
        for (Map.Entry<Long, Target> e : targets.entrySet()) {
            Target target = e.getValue();
            cells[t] = e.getKey();
            System.arraycopy(target.box, 0, boxes, 4 * t, 4);
            gridXy[2 * t] = target.column;
            gridXy[2 * t + 1] = target.row;
            anchorWh[2 * t] = target.anchorW;
            anchorWh[2 * t + 1] = target.anchorH;
            System.arraycopy(target.classes, 0, classes, numClasses * t, numClasses);
            objectMask[(int) (long) e.getKey()] = 1;
            t++;
        }
    }

    int count() {
        return cells.length;
    }

    private static final class Target {
        final float[] box = new float[4];
        final float[] classes;
        int column;
        int row;
        float anchorW;
        float anchorH;

        Target(int numClasses) {
            classes = new float[numClasses];
        }
    }

    /**
     * @param boxes per image, rows x1, y1, x2, y2, class in input pixels
     * @param anchors all anchors (w, h) in input pixels
     * @param mask the anchors of each scale
     */
    static YoloTargets build(float[][][] boxes, float[][] anchors, int[][] mask, int scale, int numClasses,
            int gridH, int gridW, int inputH, int inputW) {
        int perScale = mask[scale].length;
        Map<Long, Target> targets = new LinkedHashMap<>();
        for (int b = 0; b < boxes.length; b++) {
            for (float[] row : boxes[b]) {
                int best = bestAnchor(row[2] - row[0], row[3] - row[1], anchors, mask);
                int k = indexOf(mask[scale], best);
                if (k < 0) {
                    continue;
                }
                float[] box = inGrid(row, gridH, gridW, inputH, inputW);
                // a centre on the far edge would fall outside the grid (the repository would fail there)
                int i = Math.min((int) Math.floor(box[0]), gridW - 1);
                int j = Math.min((int) Math.floor(box[1]), gridH - 1);
                long cell = ((long) (b * perScale + k) * gridH + j) * gridW + i;
                Target t = targets.computeIfAbsent(cell, c -> new Target(numClasses));
                System.arraycopy(box, 0, t.box, 0, 4);
                t.column = i;
                t.row = j;
                t.anchorW = anchors[best][0] * gridW / inputW;
                t.anchorH = anchors[best][1] * gridH / inputH;
                t.classes[(int) row[4]] = 1;
            }
        }
        return new YoloTargets(targets, numClasses, boxes.length * perScale * gridH * gridW);
    }

    /** a box x1, y1, x2, y2 in input pixels as centre x, centre y, width, height in grid cells */
    static float[] inGrid(float[] row, int gridH, int gridW, int inputH, int inputW) {
        return new float[] {(row[0] + row[2]) / 2 / inputW * gridW, (row[1] + row[3]) / 2 / inputH * gridH,
            (row[2] - row[0]) / inputW * gridW, (row[3] - row[1]) / inputH * gridH};
    }

    /** the anchor of best shape IoU among those in some mask; ties go to the lower index, as argmax does */
    static int bestAnchor(float w, float h, float[][] anchors, int[][] mask) {
        int best = -1;
        double bestIou = -1;
        for (int a = 0; a < anchors.length; a++) {
            double iou = shapeIou(w, h, anchors[a][0], anchors[a][1]);
            if (inAnyMask(a, mask) && iou > bestIou) {
                best = a;
                bestIou = iou;
            }
        }
        return best;
    }

    static double shapeIou(double w1, double h1, double w2, double h2) {
        double inter = Math.min(w1, w2) * Math.min(h1, h2);
        return inter / (w1 * h1 + w2 * h2 - inter);
    }

    private static boolean inAnyMask(int anchor, int[][] mask) {
        for (int[] m : mask) {
            if (indexOf(m, anchor) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static int indexOf(int[] values, int v) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == v) {
                return i;
            }
        }
        return -1;
    }
}

package sparkdet.models.yolov5;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The targets of one output scale, as the reference's YoloDataset.get_target (utils/dataloader.py)
 * builds them. A ground-truth box matches every anchor whose width and height ratios to it (either
 * way) all stay below 4, and always the anchor of the smallest largest ratio; for each matched anchor
 * of this scale it is a target in the cell of its centre and in the two neighbouring cells nearer
 * that centre (left or right, above or below; a centre exactly on a cell's half goes right and up),
 * those inside the grid. A cell and anchor already taken keeps its box unless the new box's ratio to
 * the anchor is smaller, in which case the new box and class replace it. Units are grid cells; the
 * arithmetic follows the reference's float32 and float64 steps so ties break the same way.
 */
final class YoloV5Targets {
    static final double RATIO_THRESHOLD = 4;

    /** the cells that hold a target, as flat indices into [batch, anchor, row, column] */
    final long[] cells;
    /** per target: centre x, centre y, width, height */
    final float[] boxes;
    /** per target: its cell's column and row */
    final float[] gridXy;
    /** per target: its anchor's width and height */
    final float[] anchorWh;
    /** per target: the class targets, one-hot */
    final float[] classes;

    private YoloV5Targets(Map<Long, Target> targets, int numClasses) {
        int n = targets.size();
        cells = new long[n];
        boxes = new float[4 * n];
        gridXy = new float[2 * n];
        anchorWh = new float[2 * n];
        classes = new float[numClasses * n];
        int t = 0;
        for (Map.Entry<Long, Target> e : targets.entrySet()) {
            Target target = e.getValue();
            cells[t] = e.getKey();
            System.arraycopy(target.box, 0, boxes, 4 * t, 4);
            gridXy[2 * t] = target.column;
            gridXy[2 * t + 1] = target.row;
            anchorWh[2 * t] = target.anchorW;
            anchorWh[2 * t + 1] = target.anchorH;
            classes[numClasses * t + target.cls] = 1;
            t++;
        }
    }

    int count() {
        return cells.length;
    }

    private static final class Target {
        final float[] box = new float[4];
        int cls;
        int column;
        int row;
        float anchorW;
        float anchorH;
        /** the box's ratio to the anchor, stored in float32 as the reference's box_best_ratio */
        float ratio;
    }

    /**
     * @param boxes per image, rows x1, y1, x2, y2, class in input pixels
     * @param anchors all anchors (w, h) in input pixels
     * @param mask the anchors of each scale
     */
    static YoloV5Targets build(float[][][] boxes, float[][] anchors, int[][] mask, int scale, int numClasses,
            int gridH, int gridW, int inputH, int inputW) {
        int perScale = mask[scale].length;
        double strideW = (double) inputW / gridW;
        double strideH = (double) inputH / gridH;
        Map<Long, Target> targets = new LinkedHashMap<>();
        for (int b = 0; b < boxes.length; b++) {
            for (float[] row : boxes[b]) {
                float[] box = inGrid(row, gridH, gridW, inputH, inputW);
                double[] ratio = new double[anchors.length];
                int smallest = 0;
                for (int a = 0; a < anchors.length; a++) {
                    double aw = anchors[a][0] / strideW;
                    double ah = anchors[a][1] / strideH;
                    ratio[a] = Math.max(Math.max(box[2] / aw, box[3] / ah), Math.max(aw / box[2], ah / box[3]));
                    if (ratio[a] < ratio[smallest]) {
                        smallest = a;
                    }
                }
                int i = (int) Math.floor(box[0]);
                int j = (int) Math.floor(box[1]);
                int[][] offsets = nearCells(box[0] - i, box[1] - j);
                for (int k = 0; k < perScale; k++) {
                    int a = mask[scale][k];
                    if (!(ratio[a] < RATIO_THRESHOLD) && a != smallest) {
                        continue;
                    }
                    for (int[] offset : offsets) {
                        int ci = i + offset[0];
                        int cj = j + offset[1];
                        if (ci >= gridW || ci < 0 || cj >= gridH || cj < 0) {
                            continue;
                        }
                        long cell = ((long) (b * perScale + k) * gridH + cj) * gridW + ci;
                        Target t = targets.get(cell);
                        if (t != null && !(t.ratio > ratio[a])) {
                            continue;
                        }
                        if (t == null) {
                            t = new Target();
                            targets.put(cell, t);
                        }
                        System.arraycopy(box, 0, t.box, 0, 4);
                        t.cls = (int) row[4];
                        t.column = ci;
                        t.row = cj;
                        t.anchorW = (float) (anchors[a][0] / strideW);
                        t.anchorH = (float) (anchors[a][1] / strideH);
                        t.ratio = (float) ratio[a];
                    }
                }
            }
        }
        return new YoloV5Targets(targets, numClasses);
    }

    /** the reference's get_near_points: the centre's cell and the two neighbours nearer the centre */
    static int[][] nearCells(float dx, float dy) {
        if (dx > 0.5 && dy > 0.5) {
            return new int[][] {{0, 0}, {1, 0}, {0, 1}};
        } else if (dx < 0.5 && dy > 0.5) {
            return new int[][] {{0, 0}, {-1, 0}, {0, 1}};
        } else if (dx < 0.5 && dy < 0.5) {
            return new int[][] {{0, 0}, {-1, 0}, {0, -1}};
        }
        return new int[][] {{0, 0}, {1, 0}, {0, -1}};
    }

    /**
     * a box x1, y1, x2, y2 in input pixels as centre x, centre y, width, height in grid cells, in the
     * reference's float32 steps: corners over the input size, size = x2 - x1, centre = x1 + size / 2,
     * then times the grid size
     */
    static float[] inGrid(float[] row, int gridH, int gridW, int inputH, int inputW) {
        float x1 = row[0] / inputW;
        float y1 = row[1] / inputH;
        float w = row[2] / inputW - x1;
        float h = row[3] / inputH - y1;
        return new float[] {(x1 + w / 2) * gridW, (y1 + h / 2) * gridH, w * gridW, h * gridH};
    }
}

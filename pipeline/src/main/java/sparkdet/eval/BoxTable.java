package sparkdet.eval;

import java.util.Arrays;

/**
 * Boxes as columns of primitive arrays, the layout evaluation runs on: image and class as
 * indices, boxes both as COCO x, y, w, h (what pycocotools computes with) and as corners (what the
 * VOC devkit computes with), each kept as the source gave it so neither metric sees a rounding
 * the reference does not make. Ground truth uses the area, crowd and difficult columns;
 * detections the score column.
 */
public final class BoxTable implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private int size;
    int[] image = new int[16];
    int[] category = new int[16];
    double[] x = new double[16];
    double[] y = new double[16];
    double[] w = new double[16];
    double[] h = new double[16];
    double[] x2 = new double[16];
    double[] y2 = new double[16];
    double[] area = new double[16];
    double[] score = new double[16];
    boolean[] crowd = new boolean[16];
    boolean[] difficult = new boolean[16];

    public int size() {
        return size;
    }

    /** adds a box given as COCO's x, y, w, h (the corners are x + w, y + h, as pycocotools computes them) */
    public int addXywh(int imageIndex, int categoryIndex, double bx, double by, double bw, double bh, double boxArea,
                       double boxScore, boolean isCrowd, boolean isDifficult) {
        return add(imageIndex, categoryIndex, bx, by, bw, bh, bw + bx, bh + by, boxArea, boxScore, isCrowd, isDifficult);
    }

    /** adds a box given by its corners (w, h are their differences) */
    public int addCorners(int imageIndex, int categoryIndex, double bx1, double by1, double bx2, double by2,
                          double boxArea, double boxScore, boolean isCrowd, boolean isDifficult) {
        return add(imageIndex, categoryIndex, bx1, by1, bx2 - bx1, by2 - by1, bx2, by2, boxArea, boxScore, isCrowd,
                isDifficult);
    }

    private int add(int imageIndex, int categoryIndex, double bx, double by, double bw, double bh, double bx2,
                    double by2, double boxArea, double boxScore, boolean isCrowd, boolean isDifficult) {
        if (size == image.length) {
            int n = size * 2;
            image = Arrays.copyOf(image, n);
            category = Arrays.copyOf(category, n);
            x = Arrays.copyOf(x, n);
            y = Arrays.copyOf(y, n);
            w = Arrays.copyOf(w, n);
            h = Arrays.copyOf(h, n);
            x2 = Arrays.copyOf(x2, n);
            y2 = Arrays.copyOf(y2, n);
            area = Arrays.copyOf(area, n);
            score = Arrays.copyOf(score, n);
            crowd = Arrays.copyOf(crowd, n);
            difficult = Arrays.copyOf(difficult, n);
        }
        image[size] = imageIndex;
        category[size] = categoryIndex;
        x[size] = bx;
        y[size] = by;
        w[size] = bw;
        h[size] = bh;
        x2[size] = bx2;
        y2[size] = by2;
        area[size] = boxArea;
        score[size] = boxScore;
        crowd[size] = isCrowd;
        difficult[size] = isDifficult;
        return size++;
    }

    /** the rows with a score below 0 */
    long negativeScores() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += score[i] < 0 ? 1 : 0;
        }
        return n;
    }

    /** the rows whose width or height is below 0 (corners given in the wrong order) */
    long negativeSizes() {
        long n = 0;
        for (int i = 0; i < size; i++) {
            n += w[i] < 0 || h[i] < 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * the rows of the images whose index is {@code shard} modulo {@code shards}, in their order,
     * with image index / shards as their image index: one shard's share as a table of its own
     */
    BoxTable shard(int shards, int shard) {
        BoxTable t = new BoxTable();
        for (int i = 0; i < size; i++) {
            if (image[i] % shards == shard) {
                t.add(image[i] / shards, category[i], x[i], y[i], w[i], h[i], x2[i], y2[i], area[i], score[i], crowd[i],
                        difficult[i]);
            }
        }
        return t;
    }

    /**
     * the rows grouped by (image, category) in that order, each group in insertion order
     *
     * @return start offsets: group g holds {@code order[start[g] .. start[g+1])}, g = image * categories + category
     */
    int[] groupStarts(int images, int categories, int[] order) {
        return groupBy(images * categories, i -> image[i] * categories + category[i], order);
    }

    /** the rows grouped by image, each group in insertion order (offsets as {@link #groupStarts}) */
    int[] imageStarts(int images, int[] order) {
        return groupBy(images, i -> image[i], order);
    }

    private int[] groupBy(int groups, java.util.function.IntUnaryOperator key, int[] order) {
        int[] start = new int[groups + 1];
        for (int i = 0; i < size; i++) {
            start[key.applyAsInt(i) + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            start[g + 1] += start[g];
        }
        int[] next = Arrays.copyOf(start, groups);
        for (int i = 0; i < size; i++) {
            order[next[key.applyAsInt(i)]++] = i;
        }
        return start;
    }
}

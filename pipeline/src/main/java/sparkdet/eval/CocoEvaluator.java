package sparkdet.eval;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * COCO bbox evaluation, the numbers of pycocotools' COCOeval (evaluate, accumulate, summarize)
 * computed on primitive columns: detections and ground truth grouped by (image, category) once,
 * each group's IoU matrix computed once and matched for every area range and IoU threshold, and
 * the per-(category, area) results kept as flat arrays for accumulation.
 *
 * <p>Kept as pycocotools does it: detections sorted by score with numpy's stable mergesort (ties
 * keep file order, then image order), at most 100 per image and category, crowd ground truth
 * matched by intersection over detection area and never missed, unmatched detections outside an
 * area range ignored, categories without ground truth left out of every mean. One difference:
 * pycocotools records a match by the ground truth's annotation id and so loses matches to an
 * annotation whose id is 0; here a match is a match.
 */
public final class CocoEvaluator {
    private static final int T = CocoParams.IOU_THRESHOLDS.length;
    private static final int A = CocoParams.AREA_RANGES.length;

    private final int images;
    private final long[] categoryIds;
    private final int[] maxDets;

    /** per (category, area): the detections of every image in image order, and their outcome */
    private final CocoBucket[] buckets;

    /**
     * @param images the number of ground-truth images (box image indices are below it)
     * @param categoryIds the ground truth's category ids, sorted (box category indices point into it)
     * @param maxDets pycocotools' maxDets, increasing (the last one caps the detections per image and category)
     */
    public CocoEvaluator(int images, long[] categoryIds, int[] maxDets) {
        this.images = images;
        this.categoryIds = categoryIds.clone();
        this.maxDets = maxDets.clone();
        buckets = new CocoBucket[categoryIds.length * A];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new CocoBucket(T);
        }
    }

    /** with pycocotools' default maxDets 1, 10, 100 */
    public CocoEvaluator(int images, long[] categoryIds) {
        this(images, categoryIds, CocoParams.MAX_DETS);
    }

    /** matches every (image, category) group of ground truth and detections */
    public void evaluate(BoxTable gt, BoxTable dt) {
        evaluate(gt, dt, image -> image);
    }

    /**
     * matches every (image, category) group, recording each image by its index in a larger
     * image set (increasing with the local index), so that buckets of disjoint sets merge
     */
    void evaluate(BoxTable gt, BoxTable dt, java.util.function.IntUnaryOperator globalImage) {
        int k = categoryIds.length;
        int maxDet = maxDets[maxDets.length - 1];
        int[] gtOrder = new int[gt.size()];
        int[] dtOrder = new int[dt.size()];
        int[] gtStart = gt.groupStarts(images, k, gtOrder);
        int[] dtStart = dt.groupStarts(images, k, dtOrder);
        double[] ious = new double[Math.min(maxDet, 1024) * 16];
        for (int group = 0; group < images * k; group++) {
            int g0 = gtStart[group];
            int g1 = gtStart[group + 1];
            int d0 = dtStart[group];
            int d1 = dtStart[group + 1];
            if (g0 == g1 && d0 == d1) {
                continue;
            }
            StableSort.byScoreDescending(dtOrder, d0, d1, dt.score);
            int nd = Math.min(d1 - d0, maxDet);
            int ng = g1 - g0;
            if (ious.length < nd * ng) {
                ious = new double[nd * ng];
            }
            computeIous(gt, gtOrder, g0, ng, dt, dtOrder, d0, nd, ious);
            int category = group % k;
            int image = globalImage.applyAsInt(group / k);
            for (int a = 0; a < A; a++) {
                match(gt, gtOrder, g0, ng, dt, dtOrder, d0, nd, ious, buckets[category * A + a], image,
                        CocoParams.AREA_RANGES[a]);
            }
        }
    }

    /** pycocotools' bbIou: ious[d * ng + g] */
    private static void computeIous(BoxTable gt, int[] gtOrder, int g0, int ng, BoxTable dt, int[] dtOrder, int d0,
                                    int nd, double[] ious) {
        for (int g = 0; g < ng; g++) {
            int gi = gtOrder[g0 + g];
            double gx = gt.x[gi];
            double gy = gt.y[gi];
            double gx2 = gt.x2[gi];
            double gy2 = gt.y2[gi];
            double ga = gt.w[gi] * gt.h[gi];
            boolean crowd = gt.crowd[gi];
            for (int d = 0; d < nd; d++) {
                int di = dtOrder[d0 + d];
                double dx = dt.x[di];
                double dy = dt.y[di];
                double o = 0;
                // right and bottom edges are x + w and y + h as the source's boxes give them
                double w = Math.min(dt.x2[di], gx2) - Math.max(dx, gx);
                if (w > 0) {
                    double h = Math.min(dt.y2[di], gy2) - Math.max(dy, gy);
                    if (h > 0) {
                        double i = w * h;
                        double da = dt.w[di] * dt.h[di];
                        double u = crowd ? da : da + ga - i;
                        o = i / u;
                    }
                }
                ious[d * ng + g] = o;
            }
        }
    }

    /** pycocotools' evaluateImg for one area range, at every IoU threshold */
    private static void match(BoxTable gt, int[] gtOrder, int g0, int ng, BoxTable dt, int[] dtOrder, int d0, int nd,
                              double[] ious, CocoBucket bucket, int image, double[] range) {
        // ground truth: not ignored first, each part in its given order (a stable sort on the flag)
        int[] sorted = new int[ng];
        boolean[] ignore = new boolean[ng];
        boolean[] crowd = new boolean[ng];
        int n = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int g = 0; g < ng; g++) {
                int gi = gtOrder[g0 + g];
                boolean ig = gt.crowd[gi] || gt.area[gi] < range[0] || gt.area[gi] > range[1];
                if (ig == (pass == 1)) {
                    ignore[n] = ig;
                    crowd[n] = gt.crowd[gi];
                    sorted[n++] = g;
                }
            }
        }
        bucket.startEntry(image);
        for (int g = 0; g < ng; g++) {
            if (!ignore[g]) {
                bucket.npig++;
            }
        }
        int first = bucket.dets;
        for (int d = 0; d < nd; d++) {
            bucket.addDet(dt.score[dtOrder[d0 + d]]);
        }
        boolean[] gtMatched = new boolean[ng];
        for (int t = 0; t < T; t++) {
            Arrays.fill(gtMatched, false);
            double threshold = Math.min(CocoParams.IOU_THRESHOLDS[t], 1 - 1e-10);
            for (int d = 0; d < nd; d++) {
                double best = threshold;
                int m = -1;
                for (int g = 0; g < ng; g++) {
                    if (gtMatched[g] && !crowd[g]) {
                        continue;
                    }
                    if (m > -1 && !ignore[m] && ignore[g]) {
                        break;
                    }
                    double iou = ious[d * ng + sorted[g]];
                    if (iou < best) {
                        continue;
                    }
                    best = iou;
                    m = g;
                }
                byte flag = 0;
                if (m > -1) {
                    gtMatched[m] = true;
                    flag = ignore[m] ? (byte) (CocoBucket.MATCHED | CocoBucket.IGNORED) : CocoBucket.MATCHED;
                } else {
                    int di = dtOrder[d0 + d];
                    double area = dt.w[di] * dt.h[di];
                    if (area < range[0] || area > range[1]) {
                        flag = CocoBucket.IGNORED;
                    }
                }
                bucket.flag(first + d, t, flag);
            }
        }
    }

    /** the bucket of one (category index, area range index) */
    CocoBucket bucket(int category, int area) {
        return buckets[category * A + area];
    }

    /** pycocotools' accumulate and summarize */
    public CocoMetrics summarize() {
        CocoAccumulation acc = new CocoAccumulation(categoryIds, maxDets);
        for (int c = 0; c < categoryIds.length; c++) {
            for (int a = 0; a < A; a++) {
                acc.add(c, a, buckets[c * A + a]);
            }
        }
        return acc.summarize();
    }
}

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
    private static final int R = CocoParams.RECALL_THRESHOLDS.length;
    private static final int A = CocoParams.AREA_RANGES.length;
    private static final int M = CocoParams.MAX_DETS.length;
    private static final int MAX_DET = CocoParams.MAX_DETS[M - 1];
    private static final byte MATCHED = 1;
    private static final byte IGNORED = 2;

    private final int images;
    private final long[] categoryIds;

    /** per (category, area): the detections of every image in image order, and their outcome */
    private final Bucket[] buckets;

    /**
     * @param images the number of ground-truth images (box image indices are below it)
     * @param categoryIds the ground truth's category ids, sorted (box category indices point into it)
     */
    public CocoEvaluator(int images, long[] categoryIds) {
        this.images = images;
        this.categoryIds = categoryIds.clone();
        buckets = new Bucket[categoryIds.length * A];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new Bucket();
        }
    }

    private static final class Bucket {
        double[] scores = new double[64];
        byte[] flags = new byte[64 * T];
        int[] entryStart = new int[16];
        int entries;
        int dets;
        long npig;

        void startEntry() {
            if (entries + 1 >= entryStart.length) {
                entryStart = Arrays.copyOf(entryStart, entryStart.length * 2);
            }
            entryStart[entries++] = dets;
            entryStart[entries] = dets;
        }

        int addDet(double score) {
            if (dets == scores.length) {
                scores = Arrays.copyOf(scores, dets * 2);
                flags = Arrays.copyOf(flags, dets * 2 * T);
            }
            scores[dets] = score;
            entryStart[entries] = dets + 1;
            return dets++;
        }
    }

    /** matches every (image, category) group of ground truth and detections */
    public void evaluate(BoxTable gt, BoxTable dt) {
        int k = categoryIds.length;
        int[] gtOrder = new int[gt.size()];
        int[] dtOrder = new int[dt.size()];
        int[] gtStart = gt.groupStarts(images, k, gtOrder);
        int[] dtStart = dt.groupStarts(images, k, dtOrder);
        double[] ious = new double[MAX_DET * 16];
        for (int group = 0; group < images * k; group++) {
            int g0 = gtStart[group];
            int g1 = gtStart[group + 1];
            int d0 = dtStart[group];
            int d1 = dtStart[group + 1];
            if (g0 == g1 && d0 == d1) {
                continue;
            }
            StableSort.byScoreDescending(dtOrder, d0, d1, dt.score);
            int nd = Math.min(d1 - d0, MAX_DET);
            int ng = g1 - g0;
            if (ious.length < nd * ng) {
                ious = new double[nd * ng];
            }
            computeIous(gt, gtOrder, g0, ng, dt, dtOrder, d0, nd, ious);
            int category = group % k;
            for (int a = 0; a < A; a++) {
                match(gt, gtOrder, g0, ng, dt, dtOrder, d0, nd, ious, buckets[category * A + a],
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
                              double[] ious, Bucket bucket, double[] range) {
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
        bucket.startEntry();
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
                    flag = ignore[m] ? (byte) (MATCHED | IGNORED) : MATCHED;
                } else {
                    int di = dtOrder[d0 + d];
                    double area = dt.w[di] * dt.h[di];
                    if (area < range[0] || area > range[1]) {
                        flag = IGNORED;
                    }
                }
                bucket.flags[(first + d) * T + t] = flag;
            }
        }
    }

    /** pycocotools' accumulate and summarize */
    public CocoMetrics summarize() {
        int k = categoryIds.length;
        Tables tables = new Tables(k);
        for (int c = 0; c < k; c++) {
            for (int a = 0; a < A; a++) {
                Bucket b = buckets[c * A + a];
                if (b.entries == 0 || b.npig == 0) {
                    continue;
                }
                for (int m = 0; m < M; m++) {
                    accumulate(b, CocoParams.MAX_DETS[m], tables, c, a, m);
                }
            }
        }
        int t75 = CocoParams.iouIndex(0.75);
        double[] stats = {
            tables.meanPrecision(-1, -1, 0, 2), tables.meanPrecision(0, -1, 0, 2), tables.meanPrecision(t75, -1, 0, 2),
            tables.meanPrecision(-1, -1, 1, 2), tables.meanPrecision(-1, -1, 2, 2), tables.meanPrecision(-1, -1, 3, 2),
            tables.meanRecall(0, 0), tables.meanRecall(0, 1), tables.meanRecall(0, 2),
            tables.meanRecall(1, 2), tables.meanRecall(2, 2), tables.meanRecall(3, 2),
        };
        Map<Long, double[]> perCategory = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            double[] v = {tables.meanPrecision(-1, c, 0, 2), tables.meanPrecision(0, c, 0, 2),
                tables.meanPrecision(t75, c, 0, 2)};
            if (v[0] > -1 || v[1] > -1) {
                perCategory.put(categoryIds[c], v);
            }
        }
        return new CocoMetrics(stats, perCategory);
    }

    /** accumulate's precision[T][R][K][A][M] and recall[T][K][A][M], flat, -1 where nothing was computed */
    private static final class Tables {
        final int k;
        final double[] precision;
        final double[] recall;

        Tables(int k) {
            this.k = k;
            precision = new double[T * R * k * A * M];
            recall = new double[T * k * A * M];
            Arrays.fill(precision, -1);
            Arrays.fill(recall, -1);
        }

        int p(int t, int r, int c, int a, int m) {
            return (((t * R + r) * k + c) * A + a) * M + m;
        }

        int r(int t, int c, int a, int m) {
            return ((t * k + c) * A + a) * M + m;
        }

        /** summarize's mean over entries above -1 (t or c = -1: all of them); -1 when there are none */
        double meanPrecision(int t, int c, int a, int m) {
            double sum = 0;
            long count = 0;
            for (int ti = t < 0 ? 0 : t; ti < (t < 0 ? T : t + 1); ti++) {
                for (int r = 0; r < R; r++) {
                    for (int ci = c < 0 ? 0 : c; ci < (c < 0 ? k : c + 1); ci++) {
                        double v = precision[p(ti, r, ci, a, m)];
                        if (v > -1) {
                            sum += v;
                            count++;
                        }
                    }
                }
            }
            return count == 0 ? -1 : sum / count;
        }

        double meanRecall(int a, int m) {
            double sum = 0;
            long count = 0;
            for (int t = 0; t < T; t++) {
                for (int c = 0; c < k; c++) {
                    double v = recall[r(t, c, a, m)];
                    if (v > -1) {
                        sum += v;
                        count++;
                    }
                }
            }
            return count == 0 ? -1 : sum / count;
        }
    }

    private static void accumulate(Bucket b, int maxDet, Tables tables, int c, int a, int m) {
        int[] idx = new int[b.dets];
        int n = 0;
        for (int e = 0; e < b.entries; e++) {
            int end = Math.min(b.entryStart[e + 1], b.entryStart[e] + maxDet);
            for (int d = b.entryStart[e]; d < end; d++) {
                idx[n++] = d;
            }
        }
        StableSort.byScoreDescending(idx, 0, n, b.scores);
        double npig = b.npig;
        double eps = Math.ulp(1.0);
        double[] rc = new double[n];
        double[] pr = new double[n];
        for (int t = 0; t < T; t++) {
            double tp = 0;
            double fp = 0;
            for (int i = 0; i < n; i++) {
                byte f = b.flags[idx[i] * T + t];
                if ((f & IGNORED) == 0) {
                    if ((f & MATCHED) != 0) {
                        tp++;
                    } else {
                        fp++;
                    }
                }
                rc[i] = tp / npig;
                pr[i] = tp / (fp + tp + eps);
            }
            tables.recall[tables.r(t, c, a, m)] = n > 0 ? rc[n - 1] : 0;
            for (int i = n - 1; i > 0; i--) {
                if (pr[i] > pr[i - 1]) {
                    pr[i - 1] = pr[i];
                }
            }
            int i = 0;
            for (int r = 0; r < R; r++) {
                double threshold = CocoParams.RECALL_THRESHOLDS[r];
                while (i < n && rc[i] < threshold) {
                    i++;
                }
                tables.precision[tables.p(t, r, c, a, m)] = i < n ? pr[i] : 0;
            }
        }
    }
}

package sparkdet.eval;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * pycocotools' accumulate and summarize: precision[T][R][K][A][M] and recall[T][K][A][M] (flat,
 * -1 where nothing was computed), filled one (category, area range) at a time from its
 * {@link CocoBucket}, and the 12 summary numbers and per-category APs read from them.
 */
final class CocoAccumulation {
    private static final int T = CocoParams.IOU_THRESHOLDS.length;
    private static final int R = CocoParams.RECALL_THRESHOLDS.length;
    private static final int A = CocoParams.AREA_RANGES.length;

    private final long[] categoryIds;
    private final int[] maxDets;
    private final int k;
    private final int m;
    private final double[] precision;
    private final double[] recall;

    /**
     * accumulate's result for one (category, area range): precision[(m * T + t) * R + r] and
     * recall[m * T + t], small enough to travel from an executor to the driver
     */
    record Curves(double[] precision, double[] recall) implements Serializable {
    }

    CocoAccumulation(long[] categoryIds, int[] maxDets) {
        this.categoryIds = categoryIds.clone();
        this.maxDets = maxDets.clone();
        k = categoryIds.length;
        m = maxDets.length;
        precision = new double[T * R * k * A * m];
        recall = new double[T * k * A * m];
        Arrays.fill(precision, -1);
        Arrays.fill(recall, -1);
    }

    private int p(int t, int r, int c, int a, int mi) {
        return (((t * R + r) * k + c) * A + a) * m + mi;
    }

    private int r(int t, int c, int a, int mi) {
        return ((t * k + c) * A + a) * m + mi;
    }

    void add(int category, int area, CocoBucket bucket) {
        Curves curves = curves(bucket, maxDets);
        if (curves != null) {
            put(category, area, curves);
        }
    }

    void put(int category, int area, Curves curves) {
        for (int mi = 0; mi < m; mi++) {
            for (int t = 0; t < T; t++) {
                recall[r(t, category, area, mi)] = curves.recall()[mi * T + t];
                for (int ri = 0; ri < R; ri++) {
                    precision[p(t, ri, category, area, mi)] = curves.precision()[(mi * T + t) * R + ri];
                }
            }
        }
    }

    /** accumulate for one (category, area range); null where pycocotools skips it (no entries or no positives) */
    static Curves curves(CocoBucket b, int[] maxDets) {
        if (b.entries == 0 || b.npig == 0) {
            return null;
        }
        int m = maxDets.length;
        double[] precision = new double[m * T * R];
        double[] recall = new double[m * T];
        int[] idx = new int[b.dets];
        double npig = b.npig;
        double eps = Math.ulp(1.0);
        double[] rc = new double[b.dets];
        double[] pr = new double[b.dets];
        for (int mi = 0; mi < m; mi++) {
            int n = 0;
            for (int e = 0; e < b.entries; e++) {
                int end = Math.min(b.entryStart[e + 1], b.entryStart[e] + maxDets[mi]);
                for (int d = b.entryStart[e]; d < end; d++) {
                    idx[n++] = d;
                }
            }
            StableSort.byScoreDescending(idx, 0, n, b.scores);
            for (int t = 0; t < T; t++) {
                double tp = 0;
                double fp = 0;
                for (int i = 0; i < n; i++) {
                    byte f = b.flag(idx[i], t);
                    if ((f & CocoBucket.IGNORED) == 0) {
                        if ((f & CocoBucket.MATCHED) != 0) {
                            tp++;
                        } else {
                            fp++;
                        }
                    }
                    rc[i] = tp / npig;
                    pr[i] = tp / (fp + tp + eps);
                }
                recall[mi * T + t] = n > 0 ? rc[n - 1] : 0;
                for (int i = n - 1; i > 0; i--) {
                    if (pr[i] > pr[i - 1]) {
                        pr[i - 1] = pr[i];
                    }
                }
                int i = 0;
                for (int ri = 0; ri < R; ri++) {
                    double threshold = CocoParams.RECALL_THRESHOLDS[ri];
                    while (i < n && rc[i] < threshold) {
                        i++;
                    }
                    precision[(mi * T + t) * R + ri] = i < n ? pr[i] : 0;
                }
            }
        }
        return new Curves(precision, recall);
    }

    /** summarize: AP and the area APs at the largest maxDets, AR at each maxDets and per area at the largest */
    CocoMetrics summarize() {
        int last = m - 1;
        int t75 = CocoParams.iouIndex(0.75);
        double[] stats = {
            meanPrecision(-1, -1, 0, last), meanPrecision(0, -1, 0, last), meanPrecision(t75, -1, 0, last),
            meanPrecision(-1, -1, 1, last), meanPrecision(-1, -1, 2, last), meanPrecision(-1, -1, 3, last),
            meanRecall(0, 0), meanRecall(0, 1), meanRecall(0, last),
            meanRecall(1, last), meanRecall(2, last), meanRecall(3, last),
        };
        Map<Long, double[]> perCategory = new LinkedHashMap<>();
        for (int c = 0; c < k; c++) {
            double[] v = {meanPrecision(-1, c, 0, last), meanPrecision(0, c, 0, last), meanPrecision(t75, c, 0, last)};
            if (v[0] > -1 || v[1] > -1) {
                perCategory.put(categoryIds[c], v);
            }
        }
        return new CocoMetrics(stats, perCategory, maxDets[last]);
    }

    /** summarize's mean over entries above -1 (t or c = -1: all of them); -1 when there are none */
    private double meanPrecision(int t, int c, int a, int mi) {
        double sum = 0;
        long count = 0;
        for (int ti = t < 0 ? 0 : t; ti < (t < 0 ? T : t + 1); ti++) {
            for (int ri = 0; ri < R; ri++) {
                for (int ci = c < 0 ? 0 : c; ci < (c < 0 ? k : c + 1); ci++) {
                    double v = precision[p(ti, ri, ci, a, mi)];
                    if (v > -1) {
                        sum += v;
                        count++;
                    }
                }
            }
        }
        return count == 0 ? -1 : sum / count;
    }

    private double meanRecall(int a, int mi) {
        double sum = 0;
        long count = 0;
        for (int t = 0; t < T; t++) {
            for (int c = 0; c < k; c++) {
                double v = recall[r(t, c, a, mi)];
                if (v > -1) {
                    sum += v;
                    count++;
                }
            }
        }
        return count == 0 ? -1 : sum / count;
    }
}

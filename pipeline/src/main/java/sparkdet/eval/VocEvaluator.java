package sparkdet.eval;

/**
 * Per-class AP by the Pascal VOC devkit's rules: detections of a class in descending score (ties
 * in file order), each matched to the ground-truth box of its image with the best IoU; a match at
 * IoU >= the threshold is a TP the first time and an FP after, unless the box is difficult, when
 * the detection counts as neither; IoU with the devkit's +1 pixel convention unless told not to.
 * AP both as VOC2007's 11 recall points and as the area under the all-point curve.
 */
public final class VocEvaluator {
    private final int classes;
    private final double iouThreshold;
    private final boolean plus1;

    public VocEvaluator(int classes, double iouThreshold, boolean plus1) {
        this.classes = classes;
        this.iouThreshold = iouThreshold;
        this.plus1 = plus1;
    }

    /**
     * @param gt ground truth (category = class index, corners, difficult)
     * @param dt detections (category = class index, corners, score)
     * @param images the number of images (image indices are below it)
     */
    public VocMetrics evaluate(BoxTable gt, BoxTable dt, int images, double scoreThreshold) {
        int[] gtOrder = new int[gt.size()];
        int[] gtStart = gt.groupStarts(images, classes, gtOrder);
        VocMetrics.ClassResult[] results = new VocMetrics.ClassResult[classes];
        int[] dtByClass = new int[dt.size()];
        int[] classStart = new int[classes + 1];
        for (int i = 0; i < dt.size(); i++) {
            classStart[dt.category[i] + 1]++;
        }
        for (int c = 0; c < classes; c++) {
            classStart[c + 1] += classStart[c];
        }
        int[] next = java.util.Arrays.copyOf(classStart, classes);
        for (int i = 0; i < dt.size(); i++) {
            dtByClass[next[dt.category[i]]++] = i;
        }
        long[] npos = new long[classes];
        long[] difficult = new long[classes];
        for (int i = 0; i < gt.size(); i++) {
            (gt.difficult[i] ? difficult : npos)[gt.category[i]]++;
        }
        double sum07 = 0;
        double sumAll = 0;
        int inMap = 0;
        for (int c = 0; c < classes; c++) {
            results[c] = evaluateClass(c, npos[c], difficult[c], gt, gtOrder, gtStart, dt, dtByClass, classStart[c],
                    classStart[c + 1], scoreThreshold);
            if (results[c].npos() > 0) {
                sum07 += results[c].apVoc07();
                sumAll += results[c].apAllPoint();
                inMap++;
            }
        }
        return new VocMetrics(iouThreshold, plus1, scoreThreshold, results, inMap == 0 ? Double.NaN : sum07 / inMap,
                inMap == 0 ? Double.NaN : sumAll / inMap, inMap);
    }

    private VocMetrics.ClassResult evaluateClass(int c, long npos, long difficult, BoxTable gt, int[] gtOrder,
                                                 int[] gtStart, BoxTable dt, int[] dets, int from, int to,
                                                 double scoreThreshold) {
        StableSort.byScoreDescending(dets, from, to, dt.score);
        int nd = to - from;
        boolean[] used = new boolean[gt.size()];
        double[] tp = new double[nd];
        double[] fp = new double[nd];
        long tps = 0;
        long fps = 0;
        long ignored = 0;
        long tpAt = 0;
        long fpAt = 0;
        double one = plus1 ? 1 : 0;
        for (int d = 0; d < nd; d++) {
            int di = dets[from + d];
            int group = dt.image[di] * classes + c;
            double bx1 = dt.x[di];
            double by1 = dt.y[di];
            double bx2 = dt.x2[di];
            double by2 = dt.y2[di];
            double best = Double.NEGATIVE_INFINITY;
            int jmax = -1;
            for (int k = gtStart[group]; k < gtStart[group + 1]; k++) {
                int gi = gtOrder[k];
                double iw = Math.max(Math.min(gt.x2[gi], bx2) - Math.max(gt.x[gi], bx1) + one, 0.);
                double ih = Math.max(Math.min(gt.y2[gi], by2) - Math.max(gt.y[gi], by1) + one, 0.);
                double inters = iw * ih;
                double uni = (bx2 - bx1 + one) * (by2 - by1 + one)
                        + (gt.x2[gi] - gt.x[gi] + one) * (gt.y2[gi] - gt.y[gi] + one) - inters;
                double overlap = inters / uni;
                if (overlap > best) {
                    best = overlap;
                    jmax = gi;
                }
            }
            boolean counted = dt.score[di] >= scoreThreshold;
            if (jmax >= 0 && best >= iouThreshold) {
                if (gt.difficult[jmax]) {
                    ignored++;
                    continue;
                }
                if (!used[jmax]) {
                    used[jmax] = true;
                    tp[d] = 1;
                    tps++;
                    tpAt += counted ? 1 : 0;
                    continue;
                }
            }
            fp[d] = 1;
            fps++;
            fpAt += counted ? 1 : 0;
        }
        double[] rec = new double[nd];
        double[] prec = new double[nd];
        double[] scores = new double[nd];
        long[] cumTp = new long[nd];
        long[] cumFp = new long[nd];
        double ctp = 0;
        double cfp = 0;
        for (int d = 0; d < nd; d++) {
            ctp += tp[d];
            cfp += fp[d];
            rec[d] = ctp / npos;
            prec[d] = ctp / Math.max(ctp + cfp, Math.ulp(1.0));
            scores[d] = dt.score[dets[from + d]];
            cumTp[d] = (long) ctp;
            cumFp[d] = (long) cfp;
        }
        double precision = tpAt + fpAt == 0 ? 0 : (double) tpAt / (tpAt + fpAt);
        double recall = npos == 0 ? 0 : (double) tpAt / npos;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new VocMetrics.ClassResult(npos, difficult, nd, tps, fps, ignored,
                npos == 0 ? Double.NaN : ap07(rec, prec), npos == 0 ? Double.NaN : apAllPoint(rec, prec),
                nd == 0 || npos == 0 ? 0 : rec[nd - 1], tpAt, fpAt, precision, recall, f1,
                new VocMetrics.Curve(scores, prec, rec, cumTp, cumFp));
    }

    /** VOC2007: the mean of the best precision at recall >= 0, 0.1, ..., 1 (numpy's arange values) */
    static double ap07(double[] rec, double[] prec) {
        double ap = 0;
        for (int i = 0; i < 11; i++) {
            double t = i * 0.1;
            double p = 0;
            boolean any = false;
            for (int d = 0; d < rec.length; d++) {
                if (rec[d] >= t) {
                    p = any ? Math.max(p, prec[d]) : prec[d];
                    any = true;
                }
            }
            ap = ap + p / 11.;
        }
        return ap;
    }

    /** VOC2010+: the area under the precision envelope, summed where recall changes */
    static double apAllPoint(double[] rec, double[] prec) {
        int n = rec.length;
        double[] mrec = new double[n + 2];
        double[] mpre = new double[n + 2];
        mrec[n + 1] = 1;
        System.arraycopy(rec, 0, mrec, 1, n);
        System.arraycopy(prec, 0, mpre, 1, n);
        for (int i = n + 1; i > 0; i--) {
            mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
        }
        double ap = 0;
        for (int i = 0; i < n + 1; i++) {
            if (mrec[i + 1] != mrec[i]) {
                ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
            }
        }
        return ap;
    }
}

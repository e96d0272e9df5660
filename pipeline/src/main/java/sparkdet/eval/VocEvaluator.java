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

    /** outcomes of a detection: a first match, no match or a repeated one, a match to a difficult object */
    static final byte TP = 1;
    static final byte FP = 2;
    static final byte DIFFICULT = 3;

    /** one class's detections in matching order (descending score, ties in row order) and their outcomes */
    record ClassMatches(int[] rows, byte[] outcomes) {
    }

    /**
     * @param gt ground truth (category = class index, corners, difficult)
     * @param dt detections (category = class index, corners, score)
     * @param images the number of images (image indices are below it)
     */
    public VocMetrics evaluate(BoxTable gt, BoxTable dt, int images, double scoreThreshold) {
        ClassMatches[] matches = match(gt, dt, images);
        long[][] positives = positives(gt, classes);
        VocMetrics.ClassResult[] results = new VocMetrics.ClassResult[classes];
        for (int c = 0; c < classes; c++) {
            int[] rows = matches[c].rows();
            double[] scores = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                scores[i] = dt.score[rows[i]];
            }
            results[c] = classResult(positives[0][c], positives[1][c], scores, matches[c].outcomes(), scoreThreshold);
        }
        return metrics(results, scoreThreshold);
    }

    /** per class: the ground truth that is not difficult ([0]) and that is ([1]) */
    static long[][] positives(BoxTable gt, int classes) {
        long[][] counts = new long[2][classes];
        for (int i = 0; i < gt.size(); i++) {
            counts[gt.difficult[i] ? 1 : 0][gt.category[i]]++;
        }
        return counts;
    }

    /** mAP over the classes with positives */
    VocMetrics metrics(VocMetrics.ClassResult[] results, double scoreThreshold) {
        double sum07 = 0;
        double sumAll = 0;
        int inMap = 0;
        for (VocMetrics.ClassResult r : results) {
            if (r.npos() > 0) {
                sum07 += r.apVoc07();
                sumAll += r.apAllPoint();
                inMap++;
            }
        }
        return new VocMetrics(iouThreshold, plus1, scoreThreshold, results, inMap == 0 ? Double.NaN : sum07 / inMap,
                inMap == 0 ? Double.NaN : sumAll / inMap, inMap);
    }

    /**
     * the devkit's matching, class by class: a detection's outcome depends only on the detections
     * of its own image before it, so images can be matched apart and their outcomes merged by score
     */
    ClassMatches[] match(BoxTable gt, BoxTable dt, int images) {
        int[] gtOrder = new int[gt.size()];
        int[] gtStart = gt.groupStarts(images, classes, gtOrder);
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
        boolean[] used = new boolean[gt.size()];
        ClassMatches[] out = new ClassMatches[classes];
        for (int c = 0; c < classes; c++) {
            StableSort.byScoreDescending(dtByClass, classStart[c], classStart[c + 1], dt.score);
            int[] rows = java.util.Arrays.copyOfRange(dtByClass, classStart[c], classStart[c + 1]);
            out[c] = new ClassMatches(rows, matchClass(c, gt, gtOrder, gtStart, dt, rows, used));
        }
        return out;
    }

    private byte[] matchClass(int c, BoxTable gt, int[] gtOrder, int[] gtStart, BoxTable dt, int[] rows,
                              boolean[] used) {
        byte[] outcomes = new byte[rows.length];
        double one = plus1 ? 1 : 0;
        for (int d = 0; d < rows.length; d++) {
            int di = rows[d];
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
            if (jmax >= 0 && best >= iouThreshold && gt.difficult[jmax]) {
                outcomes[d] = DIFFICULT;
            } else if (jmax >= 0 && best >= iouThreshold && !used[jmax]) {
                used[jmax] = true;
                outcomes[d] = TP;
            } else {
                outcomes[d] = FP;
            }
        }
        return outcomes;
    }

    /**
     * AP, the curve and the counts of one class from its detections' outcomes in descending score
     *
     * @param npos ground truth that is not difficult
     */
    static VocMetrics.ClassResult classResult(long npos, long difficult, double[] scores, byte[] outcomes,
                                              double scoreThreshold) {
        int nd = scores.length;
        long tps = 0;
        long fps = 0;
        long tpAt = 0;
        long fpAt = 0;
        int n = 0;
        double[] rec = new double[nd];
        double[] prec = new double[nd];
        double[] curveScores = new double[nd];
        long[] cumTp = new long[nd];
        long[] cumFp = new long[nd];
        for (int d = 0; d < nd; d++) {
            if (outcomes[d] == DIFFICULT) {
                continue;   // the devkit leaves both tp and fp at 0 for it: the curve does not move
            }
            boolean counted = scores[d] >= scoreThreshold;
            if (outcomes[d] == TP) {
                tps++;
                tpAt += counted ? 1 : 0;
            } else {
                fps++;
                fpAt += counted ? 1 : 0;
            }
            n++;
        }
        // the devkit's cumulative sums run over every detection, the ignored ones included
        long ctp = 0;
        long cfp = 0;
        for (int d = 0; d < nd; d++) {
            ctp += outcomes[d] == TP ? 1 : 0;
            cfp += outcomes[d] == FP ? 1 : 0;
            rec[d] = (double) ctp / npos;
            prec[d] = ctp / Math.max((double) (ctp + cfp), Math.ulp(1.0));
            curveScores[d] = scores[d];
            cumTp[d] = ctp;
            cumFp[d] = cfp;
        }
        long ignored = nd - n;
        double precision = tpAt + fpAt == 0 ? 0 : (double) tpAt / (tpAt + fpAt);
        double recall = npos == 0 ? 0 : (double) tpAt / npos;
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new VocMetrics.ClassResult(npos, difficult, nd, tps, fps, ignored,
                npos == 0 ? Double.NaN : ap07(rec, prec), npos == 0 ? Double.NaN : apAllPoint(rec, prec),
                nd == 0 || npos == 0 ? 0 : rec[nd - 1], tpAt, fpAt, precision, recall, f1,
                new VocMetrics.Curve(curveScores, prec, rec, cumTp, cumFp));
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

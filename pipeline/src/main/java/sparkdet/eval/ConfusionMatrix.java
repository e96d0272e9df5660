package sparkdet.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Which class the detections took each object for, at a score threshold and an IoU threshold:
 * {@code counts[truth][predicted]}, with one more row and column for background. Per image, the
 * pairs of a ground-truth box and a detection (score >= threshold) overlapping by IoU >= the
 * threshold are taken greedily by IoU, whatever their classes; a box left over was missed
 * (predicted background), a detection left over found nothing (truth background). Difficult
 * and crowd boxes are left out, with the detections they take. IoU on continuous boxes. The same
 * counts per image go to {@link ImageOutcomes}.
 */
public final class ConfusionMatrix {
    private ConfusionMatrix() {
    }

    /** @param outcomes where each image's counts are added, image i of the tables being its image i */
    static long[][] compute(BoxTable gt, BoxTable dt, int images, int classes, double iou, double scoreThreshold,
                            ImageOutcomes outcomes) {
        long[][] counts = new long[classes + 1][classes + 1];
        int[] gtOrder = new int[gt.size()];
        int[] dtOrder = new int[dt.size()];
        int[] gtStart = gt.imageStarts(images, gtOrder);
        int[] dtStart = dt.imageStarts(images, dtOrder);
        for (int img = 0; img < images; img++) {
            List<double[]> pairs = new ArrayList<>();
            for (int a = gtStart[img]; a < gtStart[img + 1]; a++) {
                int g = gtOrder[a];
                for (int b = dtStart[img]; b < dtStart[img + 1]; b++) {
                    int d = dtOrder[b];
                    if (dt.score[d] < scoreThreshold) {
                        continue;
                    }
                    double o = overlap(gt, g, dt, d);
                    if (o >= iou) {
                        pairs.add(new double[] {o, g, d});
                    }
                }
            }
            pairs.sort((p, q) -> Double.compare(q[0], p[0]));
            java.util.Set<Integer> usedG = new java.util.HashSet<>();
            java.util.Set<Integer> usedD = new java.util.HashSet<>();
            for (double[] pair : pairs) {
                int g = (int) pair[1];
                int d = (int) pair[2];
                if (usedG.contains(g) || usedD.contains(d)) {
                    continue;
                }
                usedG.add(g);
                usedD.add(d);
                if (!gt.difficult[g]) {
                    counts[gt.category[g]][dt.category[d]]++;
                    outcomes.add(img, gt.category[g] == dt.category[d] ? ImageOutcomes.CORRECT
                            : ImageOutcomes.WRONG_CLASS);
                }
            }
            for (int a = gtStart[img]; a < gtStart[img + 1]; a++) {
                int g = gtOrder[a];
                if (!gt.difficult[g]) {
                    outcomes.add(img, ImageOutcomes.OBJECTS);
                    if (!usedG.contains(g)) {
                        counts[gt.category[g]][classes]++;
                        outcomes.add(img, ImageOutcomes.MISSED);
                    }
                }
            }
            for (int b = dtStart[img]; b < dtStart[img + 1]; b++) {
                int d = dtOrder[b];
                if (dt.score[d] >= scoreThreshold) {
                    outcomes.add(img, ImageOutcomes.DETECTIONS);
                    if (!usedD.contains(d)) {
                        counts[classes][dt.category[d]]++;
                        outcomes.add(img, ImageOutcomes.FALSE_POSITIVES);
                    }
                }
            }
        }
        return counts;
    }

    private static double overlap(BoxTable gt, int g, BoxTable dt, int d) {
        double w = Math.min(gt.x2[g], dt.x2[d]) - Math.max(gt.x[g], dt.x[d]);
        double h = Math.min(gt.y2[g], dt.y2[d]) - Math.max(gt.y[g], dt.y[d]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double i = w * h;
        double u = (gt.x2[g] - gt.x[g]) * (gt.y2[g] - gt.y[g]) + (dt.x2[d] - dt.x[d]) * (dt.y2[d] - dt.y[d]) - i;
        return i / u;
    }
}

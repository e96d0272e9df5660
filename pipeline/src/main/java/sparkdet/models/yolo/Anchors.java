package sparkdet.models.yolo;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/** Anchor boxes (w, h) in input pixels. */
public final class Anchors {
    private static final int MAX_ITERATIONS = 1000;

    private Anchors() {
    }

    /**
     * k-means of box sizes with distance 1 - IoU (boxes compared by shape, centres aligned) and
     * each centre moved to the per-coordinate median of its boxes, as the repository's
     * kmeans_for_anchors.py does, until no box changes cluster. Seeding differs: k-means++ (each
     * next seed drawn with probability growing with its distance to the chosen ones) instead of k
     * boxes drawn uniformly, which can leave a cluster of boxes without a seed.
     *
     * @param sizes (w, h) of the training boxes at the input size (e.g. scaled to 416 x 416)
     * @return k anchors (w, h), sorted by area
     */
    public static float[][] kmeans(float[][] sizes, int k, long seed) {
        if (k < 1 || sizes.length < k) {
            throw new IllegalArgumentException("k-means of " + k + " anchors needs at least " + k + " boxes, got " + sizes.length);
        }
        for (float[] s : sizes) {
            if (!(s[0] > 0) || !(s[1] > 0)) {
                throw new IllegalArgumentException("box size " + Arrays.toString(s) + " is not positive");
            }
        }
        double[][] centres = seeds(sizes, k, new SplittableRandom(seed));
        int[] assigned = new int[sizes.length];
        Arrays.fill(assigned, -1);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            boolean changed = false;
            for (int i = 0; i < sizes.length; i++) {
                int c = nearest(sizes[i], centres);
                changed |= c != assigned[i];
                assigned[i] = c;
            }
            if (!changed) {
                break;
            }
            for (int c = 0; c < k; c++) {
                moveToMedian(centres[c], sizes, assigned, c);
            }
        }
        float[][] out = new float[k][];
        for (int c = 0; c < k; c++) {
            out[c] = new float[] {(float) centres[c][0], (float) centres[c][1]};
        }
        Arrays.sort(out, Comparator.comparingDouble(a -> a[0] * a[1]));
        return out;
    }

    /** the mean over boxes of the best shape IoU with any anchor: how well the anchors fit the boxes */
    public static double meanBestIou(float[][] sizes, float[][] anchors) {
        double sum = 0;
        for (float[] s : sizes) {
            double best = 0;
            for (float[] a : anchors) {
                best = Math.max(best, YoloTargets.shapeIou(s[0], s[1], a[0], a[1]));
            }
            sum += best;
        }
        return sum / sizes.length;
    }

    private static double[][] seeds(float[][] sizes, int k, SplittableRandom random) {
        double[][] centres = new double[k][];
        centres[0] = toDouble(sizes[random.nextInt(sizes.length)]);
        double[] distance = new double[sizes.length];
        Arrays.fill(distance, Double.MAX_VALUE);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < sizes.length; i++) {
                double d = 1 - YoloTargets.shapeIou(sizes[i][0], sizes[i][1], centres[c - 1][0], centres[c - 1][1]);
                distance[i] = Math.min(distance[i], d);
                total += distance[i] * distance[i];
            }
            double pick = random.nextDouble() * total;
            int chosen = sizes.length - 1;
            for (int i = 0; i < sizes.length; i++) {
                pick -= distance[i] * distance[i];
                if (pick < 0) {
                    chosen = i;
                    break;
                }
            }
            centres[c] = toDouble(sizes[chosen]);
        }
        return centres;
    }

    private static int nearest(float[] size, double[][] centres) {
        int best = 0;
        double bestIou = -1;
        for (int c = 0; c < centres.length; c++) {
            double iou = YoloTargets.shapeIou(size[0], size[1], centres[c][0], centres[c][1]);
            if (iou > bestIou) {
                best = c;
                bestIou = iou;
            }
        }
        return best;
    }

    /** an empty cluster keeps its centre (where the repository's np.median would give NaN) */
    private static void moveToMedian(double[] centre, float[][] sizes, int[] assigned, int cluster) {
        int n = 0;
        for (int a : assigned) {
            n += a == cluster ? 1 : 0;
        }
        if (n == 0) {
            return;
        }
        for (int dim = 0; dim < 2; dim++) {
            double[] values = new double[n];
            int j = 0;
            for (int i = 0; i < sizes.length; i++) {
                if (assigned[i] == cluster) {
                    values[j++] = sizes[i][dim];
                }
            }
            Arrays.sort(values);
            centre[dim] = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }
    }

    private static double[] toDouble(float[] s) {
        return new double[] {s[0], s[1]};
    }
}

package sparkdet.eval;

/**
 * pycocotools' bbox parameters, with the thresholds computed as numpy's linspace computes them
 * (i * step + start, the last set to stop), so that every comparison sees the same doubles.
 */
public final class CocoParams {
    public static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    public static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    public static final int[] MAX_DETS = {1, 10, 100};
    /** all, small, medium, large: pycocotools' areaRng, bounds inclusive */
    public static final double[][] AREA_RANGES = {
        {0, 1e5 * 1e5}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e5 * 1e5}};
    public static final String[] AREA_NAMES = {"all", "small", "medium", "large"};

    private CocoParams() {
    }

    /** pycocotools' maxDets with the last one replaced: 1, 10, {@code largest} */
    public static int[] maxDets(int largest) {
        if (largest < MAX_DETS[1]) {
            throw new IllegalArgumentException("--ap-max-dets must be at least " + MAX_DETS[1] + ", not " + largest);
        }
        return new int[] {MAX_DETS[0], MAX_DETS[1], largest};
    }

    static double[] linspace(double start, double stop, int num) {
        double step = (stop - start) / (num - 1);
        double[] y = new double[num];
        for (int i = 0; i < num; i++) {
            y[i] = i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /** the index of an IoU threshold, as pycocotools' np.where(iouThr == p.iouThrs) finds it */
    static int iouIndex(double threshold) {
        for (int i = 0; i < IOU_THRESHOLDS.length; i++) {
            if (IOU_THRESHOLDS[i] == threshold) {
                return i;
            }
        }
        throw new IllegalArgumentException("no IoU threshold " + threshold);
    }
}

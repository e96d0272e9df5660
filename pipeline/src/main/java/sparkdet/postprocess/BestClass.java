package sparkdet.postprocess;

/** The class with the highest score (or logit: the sigmoid keeps the order) of one box. */
public final class BestClass {
    private BestClass() {
    }

    /**
     * @param first where class 0's value is
     * @param stride how far apart consecutive classes' values are (outputs are channel-major)
     * @return the index of the largest of the {@code classes} values; the first one on ties
     */
    public static int of(float[] values, int first, int stride, int classes) {
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int c = 0, at = first; c < classes; c++, at += stride) {
            if (values[at] > bestValue) {
                bestValue = values[at];
                best = c;
            }
        }
        return best;
    }
}

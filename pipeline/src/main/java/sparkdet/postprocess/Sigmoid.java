package sparkdet.postprocess;

/**
 * The logistic function as the YOLO decoders compute a score (float, through a double exp), and a
 * shortcut past it: a cell whose objectness logit is under {@link #logitBelow} cannot reach the
 * score threshold, so most cells are skipped without an exp.
 */
public final class Sigmoid {
    private Sigmoid() {
    }

    public static float of(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /**
     * a logit below which {@link #of} is certainly under the threshold: the logit of a threshold
     * lowered by far more than the float sigmoid's rounding (under 1e-7 near 1), so that the
     * shortcut never drops a cell the exact comparison keeps
     */
    public static float logitBelow(double threshold) {
        double lowered = threshold - 1e-6;
        if (lowered <= 0 || threshold >= 1) {
            return Float.NEGATIVE_INFINITY;   // no shortcut: every cell takes the exact comparison
        }
        return (float) Math.log(lowered / (1 - lowered));
    }
}

package sparkdet.infer;

/**
 * Post-processing settings: the score a box needs, the IoU above which NMS drops the weaker of two
 * boxes of a class, and the most boxes kept per image.
 */
public record DetectOptions(double score, double nmsIou, int maxDets) implements java.io.Serializable {
    public DetectOptions {
        if (!(score >= 0 && score <= 1) || !(nmsIou > 0 && nmsIou <= 1) || maxDets < 1) {
            throw new IllegalArgumentException("score in [0, 1], nms-iou in (0, 1], max-dets >= 1; got " + score + ", "
                    + nmsIou + ", " + maxDets);
        }
    }

    /** predict's defaults (as the YOLO repositories' predict.py: score 0.25, NMS 0.45) */
    public static DetectOptions defaults() {
        return new DetectOptions(0.25, 0.45, 100);
    }
}

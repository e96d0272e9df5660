package sparkdet.transforms;

/**
 * The random data augmentation of a training recipe, as the switches of bubbliiiing's YOLO
 * repositories (train.py and utils/dataloader.py) name them.
 *
 * @param enabled false: a plain letterbox, the same every time (validation)
 * @param mosaicProbability chance that a sample is a mosaic of four images rather than one
 * @param mixupProbability chance that a mosaic is blended half and half with one more augmented
 *                         image, its boxes joining the mosaic's (the repositories' MixUp, applied to
 *                         mosaics only)
 * @param jitter aspect-ratio distortion: the aspect ratio is multiplied by a / b, each uniform in
 *               [1 - jitter, 1 + jitter]
 * @param minScale smallest scale of a single image, relative to the input size
 * @param maxScale largest scale of a single image
 * @param flipProbability chance of a left-right mirror
 * @param hsvProbability chance of a colour change
 * @param hue largest relative change of hue
 * @param saturation largest relative change of saturation
 * @param value largest relative change of value (brightness)
 * @param blurProbability chance of a 5 x 5 Gaussian blur of a single image (the segmentation
 *                        references' cv2.GaussianBlur, before the colour change)
 * @param rotateProbability chance that a single image and its mask are turned (the segmentation
 *                          references' cv2.warpAffine, after the blur); for samples with a mask only
 * @param rotateDegrees the turn is a whole number of degrees, uniform in [-rotateDegrees, rotateDegrees]
 */
public record Augmentation(boolean enabled, double mosaicProbability, double mixupProbability, double jitter, double minScale,
                           double maxScale, double flipProbability, double hsvProbability, double hue,
                           double saturation, double value, double blurProbability, double rotateProbability,
                           int rotateDegrees) {
    /** the largest turn: half a turn either way covers every angle */
    public static final int MAX_ROTATE_DEGREES = 180;

    public Augmentation {
        requireUnit("mosaicProbability", mosaicProbability);
        requireUnit("mixupProbability", mixupProbability);
        requireUnit("flipProbability", flipProbability);
        requireUnit("hsvProbability", hsvProbability);
        requireUnit("blurProbability", blurProbability);
        requireUnit("rotateProbability", rotateProbability);
        if (rotateDegrees < 0 || rotateDegrees > MAX_ROTATE_DEGREES) {
            throw new IllegalArgumentException("rotateDegrees must lie in [0, " + MAX_ROTATE_DEGREES + "], got "
                    + rotateDegrees);
        }
        // a gain of 1 - x must stay positive, or colours and sizes flip sign
        requireBelowOne("jitter", jitter);
        requireBelowOne("hue", hue);
        requireBelowOne("saturation", saturation);
        requireBelowOne("value", value);
        if (!(minScale > 0 && minScale <= maxScale)) {
            throw new IllegalArgumentException("scale range must satisfy 0 < minScale <= maxScale, got "
                    + minScale + ".." + maxScale);
        }
    }

    /** without blur and rotation, which the YOLO repositories do not have (degrees at the recipe default, 10) */
    public Augmentation(boolean enabled, double mosaicProbability, double mixupProbability, double jitter,
                        double minScale, double maxScale, double flipProbability, double hsvProbability, double hue,
                        double saturation, double value) {
        this(enabled, mosaicProbability, mixupProbability, jitter, minScale, maxScale, flipProbability, hsvProbability,
                hue, saturation, value, 0, 0, 10);
    }

    /** the repositories' training defaults, with mosaic switched on and mixup off */
    public static Augmentation defaults() {
        return new Augmentation(true, 0.5, 0, 0.3, 0.25, 2.0, 0.5, 1.0, 0.1, 0.7, 0.4);
    }

    /** no randomness: every image letterboxed as predict sees it */
    public static Augmentation none() {
        return new Augmentation(false, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0);
    }

    public Augmentation withMosaicProbability(double p) {
        return new Augmentation(enabled, p, mixupProbability, jitter, minScale, maxScale, flipProbability, hsvProbability,
                hue, saturation, value, blurProbability, rotateProbability, rotateDegrees);
    }

    public Augmentation withMixupProbability(double p) {
        return new Augmentation(enabled, mosaicProbability, p, jitter, minScale, maxScale, flipProbability,
                hsvProbability, hue, saturation, value, blurProbability, rotateProbability, rotateDegrees);
    }

    private static void requireUnit(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " must lie in [0, 1], got " + p);
        }
    }

    private static void requireBelowOne(String name, double x) {
        if (!(x >= 0 && x < 1)) {
            throw new IllegalArgumentException(name + " must lie in [0, 1), got " + x);
        }
    }
}

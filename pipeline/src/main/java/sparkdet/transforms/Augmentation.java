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
 */
public record Augmentation(boolean enabled, double mosaicProbability, double mixupProbability, double jitter, double minScale,
                           double maxScale, double flipProbability, double hsvProbability, double hue,
                           double saturation, double value) {
    public Augmentation {
        requireUnit("mosaicProbability", mosaicProbability);
        requireUnit("mixupProbability", mixupProbability);
        requireUnit("flipProbability", flipProbability);
        requireUnit("hsvProbability", hsvProbability);
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
                hue, saturation, value);
    }

    public Augmentation withMixupProbability(double p) {
        return new Augmentation(enabled, mosaicProbability, p, jitter, minScale, maxScale, flipProbability,
                hsvProbability, hue, saturation, value);
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

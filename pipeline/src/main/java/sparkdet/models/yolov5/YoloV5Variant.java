package sparkdet.models.yolov5;

import java.util.Locale;
import sparkdet.model.Torch;

/**
 * The model sizes, phi in bubbliiiing/yolov5-pytorch's nets/yolo.py: a depth multiplier (C3 repeats
 * max(round(3 depth), 1), three times that in dark3 and dark4) and a width multiplier (base channels
 * int(64 width)). That repository defines s, m, l and x; N is Ultralytics' yolov5n (0.33, 0.25),
 * added here, for which the reference publishes no weights.
 *
 * <p>Also the way to create a {@link YoloV5}: {@link #newModel} unpacks libtorch first (creating any
 * Module loads it, which crashes on an empty JavaCPP cache).
 */
public enum YoloV5Variant {
    N(0.33, 0.25),
    S(0.33, 0.50),
    M(0.67, 0.75),
    L(1.00, 1.00),
    X(1.33, 1.25);

    private final double depth;
    private final double width;

    YoloV5Variant(double depth, double width) {
        this.depth = depth;
        this.width = width;
    }

    /** "n", "s", "m", "l" or "x", any case */
    public static YoloV5Variant of(String phi) {
        try {
            return valueOf(phi.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("YOLOv5 variant must be one of n, s, m, l, x; got '" + phi + "'", e);
        }
    }

    /** the reference's phi: "s" for S */
    public String phi() {
        return name().toLowerCase(Locale.ROOT);
    }

    public double depthMultiplier() {
        return depth;
    }

    public double widthMultiplier() {
        return width;
    }

    /** how many bottlenecks the C3 blocks outside dark3 and dark4 hold: max(round(3 depth), 1) */
    public int baseDepth() {
        return (int) Math.max(Math.round(depth * 3), 1);
    }

    /**
     * the channels of the stem, int(64 width) as the reference, scaled by sparkdet's extra width
     * (as sparkdet.models.yolo.Widths for YOLOv3 and YOLOv4-tiny): a multiple of 8, at least 8, rounding half to even
     * like Python's round() so the fixture script's network has the same shapes. Every other layer has
     * 2, 4, 8 or 16 times this. An extra width of 1 gives the reference's network.
     */
    public long baseChannels(double extraWidth) {
        if (!(extraWidth > 0) || extraWidth > 4) {
            throw new IllegalArgumentException("width multiplier must be in (0, 4], got " + extraWidth);
        }
        long reference = (long) (width * 64);
        return Math.max(8, (long) Math.rint(reference * extraWidth / 8) * 8);
    }

    /**
     * a new network with weights initialised as the reference's train.py starts from scratch
     *
     * @param extraWidth 1 for the reference's network; below 1 a narrower one of the same structure
     */
    public YoloV5 newModel(int numClasses, double extraWidth) {
        Torch.load();
        return new YoloV5(this, numClasses, extraWidth);
    }
}

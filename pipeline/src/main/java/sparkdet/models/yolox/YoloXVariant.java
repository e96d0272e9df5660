package sparkdet.models.yolox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import sparkdet.model.Torch;

/**
 * The model sizes, phi in bubbliiiing/yolox-pytorch's nets/yolo.py (YoloBody's depth_dict and
 * width_dict): a depth multiplier (CSPLayer repeats max(round(3 depth), 1) in the backbone, three
 * times that in dark3 and dark4, round(3 depth) in the neck), a width multiplier (base channels
 * int(64 width)), and depthwise convolutions for nano.
 *
 * <p>Also the way to create a {@link YoloX}: {@link #newModel} unpacks libtorch first (creating any
 * Module loads it, which crashes on an empty JavaCPP cache).
 */
public enum YoloXVariant {
    NANO(0.33, 0.25, true),
    TINY(0.33, 0.375, false),
    S(0.33, 0.50, false),
    M(0.67, 0.75, false),
    L(1.00, 1.00, false),
    X(1.33, 1.25, false);

    private final double depth;
    private final double width;
    private final boolean depthwise;

    YoloXVariant(double depth, double width, boolean depthwise) {
        this.depth = depth;
        this.width = width;
        this.depthwise = depthwise;
    }

    /** "nano", "tiny", "s", "m", "l" or "x", any case */
    public static YoloXVariant of(String phi) {
        try {
            return valueOf(phi.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("YOLOX variant must be one of " + String.join(", ", phis()) + "; got '"
                    + phi + "'", e);
        }
    }

    /** every phi, the reference train.py's default (s) first */
    public static List<String> phis() {
        List<String> all = new ArrayList<>(Arrays.stream(values()).map(YoloXVariant::phi).toList());
        all.remove(S.phi());
        all.add(0, S.phi());
        return List.copyOf(all);
    }

    /** the reference's phi: "s" for S */
    public String phi() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean depthwise() {
        return depthwise;
    }

    /** CSPLayer repeats in the backbone's dark2 and dark5 (three times this in dark3 and dark4): max(round(3 depth), 1) */
    int baseDepth() {
        return (int) Math.max(Math.round(depth * 3), 1);
    }

    /** CSPLayer repeats in the neck: round(3 depth) */
    int neckDepth() {
        return (int) Math.round(depth * 3);
    }

    /**
     * the stem's channels, int(64 width) as the reference, scaled by sparkdet's extra width: a
     * multiple of 8, at least 8, rounding half to even like Python's round() so the fixture script's
     * network has the same shapes. Every other layer has 2, 4, 8 or 16 times this (the reference's
     * int(256 width), int(512 width), int(1024 width) are 4, 8 and 16 times int(64 width) for every
     * phi). An extra width of 1 gives the reference's network.
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
    public YoloX newModel(int numClasses, double extraWidth) {
        Torch.load();
        return new YoloX(this, numClasses, extraWidth);
    }
}

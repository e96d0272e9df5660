package sparkdet.viz;

import java.util.Locale;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import sparkdet.image.LabelMap;
import sparkdet.image.LabelPng;
import sparkdet.image.OpenCv;
import sparkdet.image.RgbImage;

/**
 * A class map drawn over its picture as the segmentation repositories' predict.py does (its
 * {@code mix_type}): each class in its colour (the Pascal VOC colour map, whose first 21 colours
 * are the repositories' own), blended with the picture, alone, or the picture cut out where a
 * class other than background is.
 */
public final class MaskPainter {
    /** the colour's share of a blend, as the reference's Image.blend(old_img, seg_img, 0.7) */
    public static final double BLEND = 0.7;

    private static final int[] COLOURS = LabelPng.vocPalette();

    /** how the mask meets the picture: the reference's mix_type 0, 1, 2 */
    public enum Mix {
        BLEND, MASK, CUTOUT;

        public static Mix of(String name) {
            for (Mix m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(name)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("--mix: blend, mask or cutout, not '" + name + "'");
        }
    }

    private MaskPainter() {
    }

    /** the picture with its class map drawn as {@code mix} says */
    public static RgbImage paint(RgbImage image, LabelMap map, Mix mix) {
        if (map.width() != image.width() || map.height() != image.height()) {
            throw new IllegalArgumentException("a " + map.width() + "x" + map.height() + " mask over a "
                    + image.width() + "x" + image.height() + " picture");
        }
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        byte[] classes = map.pixels();
        for (int p = 0; p < classes.length; p++) {
            int k = classes[p] & 0xFF;
            int colour = COLOURS[k];
            for (int c = 0; c < 3; c++) {
                int picture = in[3 * p + c] & 0xFF;
                int paint = (colour >> (16 - 8 * c)) & 0xFF;
                out[3 * p + c] = (byte) switch (mix) {
                    // PIL's blend: im1 * (1 - alpha) + im2 * alpha, rounded to nearest
                    case BLEND -> (int) (picture * (1 - BLEND) + paint * BLEND + 0.5);
                    case MASK -> paint;
                    case CUTOUT -> k == 0 ? 0 : picture;
                };
            }
        }
        return new RgbImage(image.width(), image.height(), out);
    }

    /** the painted picture as JPEG bytes */
    public static byte[] jpeg(RgbImage image, LabelMap map, Mix mix) {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = new Mat();
            opencv_imgproc.cvtColor(OpenCv.mat(paint(image, map, mix)), bgr, opencv_imgproc.COLOR_RGB2BGR);
            return DetectionPainter.jpeg(bgr);
        }
    }
}

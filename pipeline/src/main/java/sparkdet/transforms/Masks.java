package sparkdet.transforms;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import sparkdet.image.LabelMap;
import sparkdet.image.OpenCv;

/**
 * The geometry of a segmentation mask, moved with its picture: what the segmentation repositories'
 * dataloader does to the label with PIL (nearest-neighbour resize, mirror, paste onto a background
 * canvas) and OpenCV (rotation, nearest). Class indices are never blended.
 */
public final class Masks {
    /** what the canvas around a placed mask holds: background, as the reference pastes onto Image.new('L', .., 0) */
    public static final int FILL = 0;

    private Masks() {
    }

    /**
     * PIL's NEAREST resize: each output pixel takes the source pixel under its centre,
     * floor((x + 0.5) * sourceWidth / width)
     */
    public static LabelMap resizeNearest(LabelMap src, int width, int height) {
        if (width == src.width() && height == src.height()) {
            return src;
        }
        int[] columns = new int[width];
        for (int x = 0; x < width; x++) {
            columns[x] = Math.min(src.width() - 1, (int) ((x + 0.5) * src.width() / width));
        }
        byte[] out = new byte[width * height];
        byte[] in = src.pixels();
        for (int y = 0; y < height; y++) {
            int row = Math.min(src.height() - 1, (int) ((y + 0.5) * src.height() / height)) * src.width();
            for (int x = 0; x < width; x++) {
                out[y * width + x] = in[row + columns[x]];
            }
        }
        return new LabelMap(width, height, out);
    }

    public static LabelMap mirrored(LabelMap src) {
        return new LabelMap(src.width(), src.height(), Pixels.mirrored(src.pixels(), src.width(), src.height(), 1));
    }

    public static LabelMap filled(int width, int height, int value) {
        byte[] pixels = new byte[width * height];
        Arrays.fill(pixels, (byte) value);
        return new LabelMap(width, height, pixels);
    }

    /** copies {@code src} onto {@code dst} with its top-left corner at (dx, dy), only inside {@code clip} */
    public static void paste(LabelMap src, LabelMap dst, int dx, int dy, Region clip) {
        Pixels.paste(src.pixels(), src.width(), src.height(), dst.pixels(), dst.width(), dst.height(), 1, dx, dy, clip);
    }

    /** the mask placed where {@code box} put its picture: resized to the content, background around */
    public static LabelMap letterboxed(LabelMap src, Letterbox box, int size) {
        LabelMap canvas = filled(size, size, FILL);
        paste(resizeNearest(src, box.contentWidth(), box.contentHeight()), canvas, box.offsetX(), box.offsetY(),
                Region.of(size, size));
        return canvas;
    }

    /**
     * The mask turned with its picture ({@link Pixels#rotated}): nearest neighbour, so every pixel is a
     * source pixel's class or, where the turned mask leaves the frame, {@link #FILL}, as the references'
     * {@code cv2.warpAffine(label, M, (w, h), flags=cv2.INTER_NEAREST, borderValue=(0))}.
     */
    public static LabelMap rotated(LabelMap src, int degrees) {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat in = new Mat(src.height(), src.width(), opencv_core.CV_8UC1, new BytePointer(src.pixels()));
            Mat out = Pixels.warpRotated(in, src.width(), src.height(), degrees, opencv_imgproc.INTER_NEAREST,
                    new Scalar(FILL));
            byte[] pixels = new byte[src.pixels().length];
            out.data().get(pixels);
            return new LabelMap(src.width(), src.height(), pixels);
        }
    }
}

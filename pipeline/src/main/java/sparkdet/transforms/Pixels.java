package sparkdet.transforms;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import sparkdet.image.OpenCv;
import sparkdet.image.RgbImage;

/**
 * The pixel operations the transforms are built from, on whole byte arrays: resizing, blur,
 * rotation and colour changes in OpenCV (native, vectorised), copying and mirroring as row copies in
 * Java.
 */
public final class Pixels {
    /** the grey of letterbox bars and of canvas not covered by a picture, as in the YOLO repositories */
    public static final int GREY = 128;

    private Pixels() {
    }

    /**
     * Bilinear, for augmentation: the cheapest filter that looks right (YOLOv5 augments with it too;
     * area averaging would cost 4x more at the non-integer ratios a random scale gives).
     */
    public static RgbImage resize(RgbImage src, int width, int height) {
        return resize(src, width, height, opencv_imgproc.INTER_LINEAR);
    }

    /**
     * Area averaging when shrinking (no aliasing), bicubic when enlarging: for the letterbox, which
     * predict and validation see once per image.
     */
    public static RgbImage resizeSmooth(RgbImage src, int width, int height) {
        boolean shrinking = width <= src.width() && height <= src.height();
        return resize(src, width, height, shrinking ? opencv_imgproc.INTER_AREA : opencv_imgproc.INTER_CUBIC);
    }

    private static RgbImage resize(RgbImage src, int width, int height, int interpolation) {
        if (src.width() == width && src.height() == height) {
            return src;
        }
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat out = new Mat();
            opencv_imgproc.resize(OpenCv.mat(src), out, new Size(width, height), 0, 0, interpolation);
            return OpenCv.image(out);
        }
    }

    public static RgbImage filled(int width, int height, int grey) {
        byte[] rgb = new byte[width * height * 3];
        Arrays.fill(rgb, (byte) grey);
        return new RgbImage(width, height, rgb);
    }

    /** copies {@code src} onto {@code dst} with its top-left corner at (dx, dy), only inside {@code clip} */
    public static void paste(RgbImage src, RgbImage dst, int dx, int dy, Region clip) {
        paste(src.rgb(), src.width(), src.height(), dst.rgb(), dst.width(), dst.height(), 3, dx, dy, clip);
    }

    /** {@link #paste} on interleaved pixels of any channel count: 3 for pictures, 1 for masks ({@link Masks#paste}) */
    static void paste(byte[] src, int srcWidth, int srcHeight, byte[] dst, int dstWidth, int dstHeight, int channels,
                      int dx, int dy, Region clip) {
        int x0 = Math.max(Math.max(clip.x0(), 0), dx);
        int x1 = Math.min(Math.min(clip.x1(), dstWidth), dx + srcWidth);
        int y0 = Math.max(Math.max(clip.y0(), 0), dy);
        int y1 = Math.min(Math.min(clip.y1(), dstHeight), dy + srcHeight);
        if (x0 >= x1) {
            return;
        }
        int rowBytes = (x1 - x0) * channels;
        for (int y = y0; y < y1; y++) {
            int from = ((y - dy) * srcWidth + (x0 - dx)) * channels;
            System.arraycopy(src, from, dst, (y * dstWidth + x0) * channels, rowBytes);
        }
    }

    public static RgbImage mirrored(RgbImage src) {
        return new RgbImage(src.width(), src.height(), mirrored(src.rgb(), src.width(), src.height(), 3));
    }

    /** interleaved pixels of any channel count mirrored left to right */
    static byte[] mirrored(byte[] in, int width, int height, int channels) {
        byte[] out = new byte[in.length];
        for (int y = 0; y < height; y++) {
            int row = y * width * channels;
            for (int x = 0; x < width; x++) {
                int from = row + x * channels;
                int to = row + (width - 1 - x) * channels;
                for (int c = 0; c < channels; c++) {
                    out[to + c] = in[from + c];
                }
            }
        }
        return out;
    }

    /**
     * Multiplies hue, saturation and value by the gains in OpenCV's 8-bit HSV (hue 0..179, wrapping;
     * saturation and value clipped to 255), as the YOLO repositories' colour augmentation does.
     */
    public static RgbImage hsvScaled(RgbImage src, double hueGain, double saturationGain, double valueGain) {
        OpenCv.load();
        byte[] table = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            table[3 * i] = (byte) ((int) (i * hueGain) % 180);
            table[3 * i + 1] = (byte) (int) Math.min(255, i * saturationGain);
            table[3 * i + 2] = (byte) (int) Math.min(255, i * valueGain);
        }
        try (PointerScope scope = new PointerScope()) {
            Mat hsv = new Mat();
            opencv_imgproc.cvtColor(OpenCv.mat(src), hsv, opencv_imgproc.COLOR_RGB2HSV);
            Mat lut = new Mat(1, 256, opencv_core.CV_8UC3, new BytePointer(table));
            Mat scaled = new Mat();
            opencv_core.LUT(hsv, lut, scaled);
            Mat rgb = new Mat();
            opencv_imgproc.cvtColor(scaled, rgb, opencv_imgproc.COLOR_HSV2RGB);
            return OpenCv.image(rgb);
        }
    }

    /**
     * The segmentation references' blur: {@code cv2.GaussianBlur(image, (5, 5), 0)}, a 5 x 5 Gaussian
     * (sigma 0 takes OpenCV's fixed 5-tap kernel, 1 4 6 4 1 over 16 each way) with its default border
     * (reflected, the edge pixel not repeated).
     */
    public static RgbImage blurred(RgbImage src) {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat out = new Mat();
            opencv_imgproc.GaussianBlur(OpenCv.mat(src), out, new Size(5, 5), 0);
            return OpenCv.image(out);
        }
    }

    /**
     * The segmentation references' rotation of the picture: turned {@code degrees} clockwise about
     * (width / 2, height / 2) in whole pixels, bicubic, grey where the turned picture leaves the
     * frame; {@code cv2.warpAffine(image, cv2.getRotationMatrix2D((w // 2, h // 2), -degrees, 1), (w, h),
     * flags=cv2.INTER_CUBIC, borderValue=(128, 128, 128))}. {@link Masks#rotated} turns a mask alike.
     */
    public static RgbImage rotated(RgbImage src, int degrees) {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat out = warpRotated(OpenCv.mat(src), src.width(), src.height(), degrees, opencv_imgproc.INTER_CUBIC,
                    new Scalar(GREY, GREY, GREY, 0));
            return OpenCv.image(out);
        }
    }

    /** {@code src} (of any channel count) turned as {@link #rotated} says, with that filter and border value */
    static Mat warpRotated(Mat src, int width, int height, int degrees, int interpolation, Scalar border) {
        Mat m = opencv_imgproc.getRotationMatrix2D(new Point2f(width / 2, height / 2), -degrees, 1);
        Mat out = new Mat();
        opencv_imgproc.warpAffine(src, out, m, new Size(width, height), interpolation, opencv_core.BORDER_CONSTANT,
                border);
        return out;
    }
}

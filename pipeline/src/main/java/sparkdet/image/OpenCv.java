package sparkdet.image;

import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import sparkdet.runtime.NativeCache;

/** OpenCV (through JavaCV's presets), loaded once per JVM after its native files are unpacked. */
public final class OpenCv {
    private OpenCv() {
    }

    public static void load() {
        NativeCache.load(List.of("javacpp", "openblas", "opencv"), opencv_core.class, opencv_imgproc.class,
                opencv_imgcodecs.class);
    }

    /** a native copy of the pixels as an 8-bit RGB Mat, freed with the enclosing PointerScope */
    public static Mat mat(RgbImage image) {
        return new Mat(image.height(), image.width(), opencv_core.CV_8UC3, new BytePointer(image.rgb()));
    }

    /** the pixels of an 8-bit, 3-channel RGB Mat */
    public static RgbImage image(Mat rgb) {
        byte[] pixels = new byte[rgb.cols() * rgb.rows() * 3];
        rgb.data().get(pixels);
        return new RgbImage(rgb.cols(), rgb.rows(), pixels);
    }
}

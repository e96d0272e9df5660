package sparkdet.image;

import java.util.List;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import sparkdet.runtime.NativeCache;

/** OpenCV (through JavaCV's presets), loaded once per JVM after its native files are unpacked. */
public final class OpenCv {
    private OpenCv() {
    }

    public static void load() {
        NativeCache.load(List.of("javacpp", "openblas", "opencv"), opencv_core.class, opencv_imgproc.class,
                opencv_imgcodecs.class);
    }
}

package sparkdet.image;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import sparkdet.runtime.NativeCache;

/** OpenCV (through JavaCV's presets), loaded once per JVM after its native files are unpacked. */
public final class OpenCv {
    private static volatile boolean loaded;

    private OpenCv() {
    }

    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (OpenCv.class) {
            if (!loaded) {
                NativeCache.prepare("javacpp", "openblas", "opencv");
                Loader.load(opencv_core.class);
                Loader.load(opencv_imgproc.class);
                Loader.load(opencv_imgcodecs.class);
                loaded = true;
            }
        }
    }
}

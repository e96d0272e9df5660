package sparkdet.image;

import java.io.IOException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Image bytes (JPEG, PNG, BMP, WebP ...) to RGB pixels with OpenCV. Grayscale and 4-channel
 * images come out as RGB; EXIF orientation is applied, as photo viewers do.
 */
public final class ImageDecoder {
    /** larger images are refused rather than decoded (a decompression bomb needs gigabytes) */
    public static final long MAX_PIXELS = 200_000_000L;

    private ImageDecoder() {
    }

    public static RgbImage decode(byte[] encoded, String name) throws IOException {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat buf = new Mat(1, encoded.length, opencv_core.CV_8UC1, new BytePointer(encoded));
            Mat bgr = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR);
            if (bgr == null || bgr.empty()) {
                throw new IOException(name + " is not a decodable image");
            }
            if ((long) bgr.cols() * bgr.rows() > MAX_PIXELS) {
                throw new IOException(name + " has " + bgr.cols() + "x" + bgr.rows() + " pixels, more than " + MAX_PIXELS);
            }
            return fromBgr(bgr);
        }
    }

    /** an OpenCV 8-bit BGR picture (a decoded file, a video frame) as RGB pixels */
    public static RgbImage fromBgr(Mat bgr) {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat rgb = new Mat();
            opencv_imgproc.cvtColor(bgr, rgb, opencv_imgproc.COLOR_BGR2RGB);
            return OpenCv.image(rgb);
        }
    }
}

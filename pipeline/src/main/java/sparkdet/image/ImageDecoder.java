package sparkdet.image;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Image bytes (JPEG, PNG, GIF, BMP, WebP) to RGB pixels with OpenCV. Grayscale and 4-channel
 * images come out as RGB; EXIF orientation is applied, as photo viewers do.
 *
 * <p>The size is read from the header first and an image above the {@link PixelLimit} is refused
 * undecoded: the decoder allocates what the header declares, so a small file can claim gigabytes.
 * Bytes whose header {@link ImageHeader} cannot read are refused as well rather than handed to
 * OpenCV, whose other decoders (TIFF, OpenEXR, PxM ...) would allocate sizes nothing checked.
 */
public final class ImageDecoder {
    private ImageDecoder() {
    }

    /**
     * @throws ImageTooLargeException when the header declares more pixels than {@code limit}
     * @throws IOException when the header cannot be read or the pixels cannot be decoded
     */
    public static RgbImage decode(byte[] encoded, String name, PixelLimit limit) throws IOException {
        ImageHeader.Size size;
        try {
            size = ImageHeader.read(new ByteArrayInputStream(encoded));
        } catch (EOFException e) {
            throw new IOException(name + " is not a decodable image: it ends inside its header");
        } catch (IOException e) {
            throw new IOException(name + " is not a decodable image: " + e.getMessage());
        }
        limit.check(name, "refused undecoded: its header declares", size.width(), size.height());
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat buf = new Mat(1, encoded.length, opencv_core.CV_8UC1, new BytePointer(encoded));
            // RGB straight from the decoder (libjpeg-turbo writes either order): no second pass over the pixels
            Mat rgb = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR_RGB);
            if (rgb == null || rgb.empty()) {
                throw new IOException(name + " is not a decodable image");
            }
            return OpenCv.image(rgb);
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

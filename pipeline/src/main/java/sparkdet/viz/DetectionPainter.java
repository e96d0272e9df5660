package sparkdet.viz;

import java.awt.Color;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import sparkdet.image.OpenCv;
import sparkdet.image.RgbImage;
import sparkdet.postprocess.Detection;

/**
 * Draws detections as the YOLO repositories' predict.py does: a box per detection in its class's
 * colour, and a filled label "class score" above it (inside the image when the box touches the
 * top). Works on OpenCV BGR frames, so images and video share it.
 */
public final class DetectionPainter {
    private static final int FONT = opencv_imgproc.FONT_HERSHEY_SIMPLEX;

    private DetectionPainter() {
    }

    /** the picture with its detections, as JPEG bytes */
    public static byte[] jpeg(RgbImage image, List<Detection> detections, List<String> classes) {
        OpenCv.load();
        try (PointerScope scope = new PointerScope()) {
            Mat bgr = new Mat();
            opencv_imgproc.cvtColor(OpenCv.mat(image), bgr, opencv_imgproc.COLOR_RGB2BGR);
            draw(bgr, detections, classes);
            return jpeg(bgr);
        }
    }

    /** a BGR frame as JPEG bytes (OpenCV's default quality) */
    static byte[] jpeg(Mat bgr) {
        BytePointer encoded = new BytePointer();
        if (!opencv_imgcodecs.imencode(".jpg", bgr, encoded)) {
            throw new IllegalStateException("OpenCV could not encode a " + bgr.cols() + "x" + bgr.rows() + " JPEG");
        }
        byte[] out = new byte[(int) encoded.limit()];
        encoded.get(out);
        return out;
    }

    /** draws on a BGR frame in place */
    public static void draw(Mat bgr, List<Detection> detections, List<String> classes) {
        int side = Math.max(bgr.cols(), bgr.rows());
        int thickness = Math.max(1, side / 400);
        double fontScale = Math.max(0.4, side / 1200.0);
        for (Detection d : detections) {
            Scalar colour = colour(d.classIndex());
            Point p1 = new Point(Math.round(d.x1()), Math.round(d.y1()));
            Point p2 = new Point(Math.round(d.x2()), Math.round(d.y2()));
            opencv_imgproc.rectangle(bgr, p1, p2, colour, thickness, opencv_imgproc.LINE_AA, 0);
            String name = d.classIndex() < classes.size() ? classes.get(d.classIndex()) : "class " + d.classIndex();
            String label = String.format(Locale.ROOT, "%s %.2f", name, d.score());
            int[] baseline = new int[1];
            Size text = opencv_imgproc.getTextSize(label, FONT, fontScale, thickness, baseline);
            int top = p1.y() - text.height() - baseline[0] >= 0 ? p1.y() - text.height() - baseline[0] : p1.y();
            opencv_imgproc.rectangle(bgr, new Point(p1.x(), top), new Point(p1.x() + text.width(),
                    top + text.height() + baseline[0]), colour, opencv_imgproc.FILLED, opencv_imgproc.LINE_8, 0);
            opencv_imgproc.putText(bgr, label, new Point(p1.x(), top + text.height()), FONT, fontScale,
                    new Scalar(0, 0, 0, 0), thickness, opencv_imgproc.LINE_AA, false);
        }
    }

    /** a line of text in the top-left corner (video: the running FPS) */
    public static void caption(Mat bgr, String text) {
        double fontScale = Math.max(0.5, Math.max(bgr.cols(), bgr.rows()) / 900.0);
        int thickness = Math.max(1, (int) Math.round(fontScale * 2));
        int[] baseline = new int[1];
        Size size = opencv_imgproc.getTextSize(text, FONT, fontScale, thickness, baseline);
        opencv_imgproc.putText(bgr, text, new Point(8, 8 + size.height()), FONT, fontScale, new Scalar(0, 255, 0, 0),
                thickness, opencv_imgproc.LINE_AA, false);
    }

    /** well-separated hues by the golden angle, as BGR */
    static Scalar colour(int classIndex) {
        float hue = (float) ((classIndex * 0.618033988749895) % 1.0);
        int rgb = Color.HSBtoRGB(hue, 0.75f, 1.0f);
        return new Scalar(rgb & 0xff, (rgb >> 8) & 0xff, (rgb >> 16) & 0xff, 0);
    }
}

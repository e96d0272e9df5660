package sparkdet.video;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.javacv.OpenCVFrameGrabber;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparkdet.image.ImageDecoder;
import sparkdet.image.LabelMap;
import sparkdet.image.RgbImage;
import sparkdet.model.Task;
import sparkdet.image.ImageTooLargeException;
import sparkdet.image.PixelLimit;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.io.InputUnusableException;
import sparkdet.runtime.NativeCache;
import sparkdet.viz.DetectionPainter;
import sparkdet.viz.MaskPainter;

/**
 * A video file or a camera through the detector, frame by frame, as the YOLO repositories'
 * predict.py "video" mode: each frame drawn with its boxes and the running FPS, written at the
 * input's size and frame rate (MPEG-4 video; a camera's rate when it reports one, else 25). The
 * output appears when complete (written beside it, then renamed). A stream whose frames would have
 * more pixels than the {@link PixelLimit} is refused from its declared size before a frame is decoded.
 */
public final class VideoDetection {
    private static final Logger LOG = LoggerFactory.getLogger(VideoDetection.class);
    public static final String CAMERA = "camera:";
    private static final double FALLBACK_RATE = 25;
    /** the running FPS is a mean over this many recent frames */
    private static final int FPS_WINDOW = 30;
    private static final int PROGRESS_EVERY = 250;

    private VideoDetection() {
    }

    /** frames written and the detect path's pace over them */
    public record Result(long frames, double seconds, double meanFps, int width, int height, double frameRate) {
    }

    /** what to do after each frame: e.g. a progress line; returns false to stop (a camera runs until stopped) */
    public interface FrameListener {
        boolean frameDone(long frame, double fps);
    }

    public static Result run(Detector detector, String input, Path output, DetectOptions options,
                             PixelLimit pixelLimit, FrameListener listener) throws IOException {
        NativeCache.load(List.of("javacpp", "openblas", "opencv", "ffmpeg"), avutil.class, avcodec.class);
        Path partial = output.resolveSibling("." + output.getFileName() + ".partial-" + ProcessHandle.current().pid()
                + extension(output));
        try (FrameGrabber grabber = open(input)) {
            int width = grabber.getImageWidth();
            int height = grabber.getImageHeight();
            try {
                pixelLimit.check(input, "refused before decoding a frame: the video stream declares frames of", width,
                        height);
            } catch (ImageTooLargeException e) {
                throw new InputUnusableException(e.getMessage(), e);
            }
            double rate = grabber.getFrameRate() > 0 ? grabber.getFrameRate() : FALLBACK_RATE;
            long frames = 0;
            long started = System.nanoTime();
            // a segmentation model's frames show its classes blended in, as its predict's overlays
            boolean segment = detector.spec().task() == Task.SEGMENT;
            long[] recent = new long[FPS_WINDOW];
            try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(partial.toFile(), width, height, 0);
                 OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                recorder.setFrameRate(rate);
                recorder.setVideoQuality(3);   // MPEG-4 qscale: small files, boxes and text stay legible
                recorder.start();
                Frame frame;
                while ((frame = nextImage(grabber)) != null) {
                    long t0 = System.nanoTime();
                    try (PointerScope scope = new PointerScope()) {
                        Mat bgr = converter.convert(frame);
                        RgbImage picture = ImageDecoder.fromBgr(bgr);
                        if (segment) {
                            LabelMap map = detector.segment(List.of(picture)).get(0);
                            MaskPainter.draw(bgr, picture, map, MaskPainter.Mix.BLEND);
                        } else {
                            DetectionPainter.draw(bgr, detector.detect(List.of(picture), options).get(0),
                                    detector.classes());
                        }
                        recent[(int) (frames % FPS_WINDOW)] = System.nanoTime() - t0;
                        double fps = fps(recent, frames + 1);
                        DetectionPainter.caption(bgr, String.format(Locale.ROOT, "FPS %.1f", fps));
                        recorder.record(converter.convert(bgr));
                        frames++;
                        if (frames % PROGRESS_EVERY == 0) {
                            LOG.info("{}: {} frames, {} FPS", input, frames, String.format(Locale.ROOT, "%.1f", fps));
                        }
                        if (listener != null && !listener.frameDone(frames, fps)) {
                            break;
                        }
                    }
                }
                recorder.stop();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("{} frames of {} ({}x{} at {} fps) in {} s -> {}", frames, input, width, height, rate,
                    String.format(Locale.ROOT, "%.1f", seconds), output);
            return new Result(frames, seconds, frames / Math.max(seconds, 1e-9), width, height, rate);
        } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
            throw new IOException(input + " -> " + output + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    private static FrameGrabber open(String input) throws FrameGrabber.Exception {
        if (input.startsWith(CAMERA)) {
            int index;
            try {
                index = Integer.parseInt(input.substring(CAMERA.length()));
            } catch (NumberFormatException e) {
                throw new InputUnusableException("a camera is camera:N with N a device number, not '" + input + "'");
            }
            if (!new File("/dev/video" + index).exists() && System.getProperty("os.name").startsWith("Linux")) {
                throw new InputUnusableException("camera " + index + " does not exist (no /dev/video" + index + ")");
            }
            OpenCVFrameGrabber camera = new OpenCVFrameGrabber(index);
            try {
                camera.start();
            } catch (FrameGrabber.Exception e) {
                throw new InputUnusableException("camera " + index + " could not be opened: " + e.getMessage(), e);
            }
            return camera;
        }
        if (!new File(input).isFile()) {
            throw new InputUnusableException("video " + input + " does not exist or is not a file");
        }
        FFmpegFrameGrabber file = new FFmpegFrameGrabber(input);
        try {
            file.start();
        } catch (FrameGrabber.Exception e) {
            throw new InputUnusableException(input + " is not a video FFmpeg can read: " + e.getMessage(), e);
        }
        if (file.getImageWidth() <= 0 || file.getImageHeight() <= 0) {
            throw new InputUnusableException(input + " has no video stream");
        }
        // frames are scaled to the size declared now, which the pixel limit checks: a stream that
        // changes resolution midway cannot hand over larger pictures (nor the recorder odd ones)
        file.setImageWidth(file.getImageWidth());
        file.setImageHeight(file.getImageHeight());
        return file;
    }

    /** the next video frame (a file's audio frames skipped), null at the end */
    private static Frame nextImage(FrameGrabber grabber) throws FrameGrabber.Exception {
        if (grabber instanceof FFmpegFrameGrabber file) {
            return file.grabImage();
        }
        Frame frame;
        do {
            frame = grabber.grab();
        } while (frame != null && frame.image == null);
        return frame;
    }

    private static double fps(long[] recent, long done) {
        int n = (int) Math.min(done, recent.length);
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += recent[i];
        }
        return n / Math.max(total / 1e9, 1e-9);
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? ".mp4" : name.substring(dot);
    }
}

package sparkdet.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparkdet.image.PixelLimit;
import sparkdet.model.ModelFiles;
import sparkdet.infer.DetectOptions;
import sparkdet.infer.Detector;
import sparkdet.infer.Detectors;
import sparkdet.io.InputUnusableException;
import sparkdet.io.Storage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/** opencv-doc's pedestrian video (795 frames, 768x576) through a real network, drawn, re-encoded. */
class VideoDetectionTest {
    static final Path VTEST = Path.of("/usr/share/doc/opencv-doc/examples/data/vtest.avi");
    private static final Path MODEL = Path.of("src/test/resources/fixtures/infer/yolov4_tiny_w025_c3.onnx")
            .toAbsolutePath();

    @Test
    void everyFrameComesOutAtTheInputsSizeAndRate(@TempDir Path tmp) throws Exception {
        Path in = TestData.require(VTEST);
        Path out = tmp.resolve("drawn.mp4");
        try (Detector detector = Detectors.open(new Storage(new Configuration()), MODEL.toString(), 2, "cpu",
                ModelFiles.MAX_BYTES_CEILING)) {
            long[] calls = {0};
            VideoDetection.Result r = VideoDetection.run(detector, in.toString(), out, new DetectOptions(0.3, 0.45, 50),
                    TestSpark.pixelLimit(),
                    (frame, fps) -> {
                        calls[0]++;
                        return fps > 0;
                    });
            assertThat(r.frames()).isEqualTo(795);
            assertThat(calls[0]).isEqualTo(795);
            assertThat(r.width()).isEqualTo(768);
            assertThat(r.height()).isEqualTo(576);
        }
        try (FFmpegFrameGrabber written = new FFmpegFrameGrabber(out.toFile());
             FFmpegFrameGrabber original = new FFmpegFrameGrabber(in.toFile())) {
            written.start();
            original.start();
            assertThat(written.getImageWidth()).isEqualTo(768);
            assertThat(written.getImageHeight()).isEqualTo(576);
            assertThat(written.getFrameRate()).isCloseTo(original.getFrameRate(), org.assertj.core.data.Offset.offset(0.01));
            long frames = 0;
            while (written.grabImage() != null) {
                frames++;
            }
            assertThat(frames).isEqualTo(795);
        }
        assertThat(tmp.toFile().list()).as("only the finished file").containsExactly("drawn.mp4");
    }

    @Test
    void aMissingCameraOrFileIsAClearError(@TempDir Path tmp) throws Exception {
        try (Detector detector = Detectors.open(new Storage(new Configuration()), MODEL.toString(), 1, "cpu",
                ModelFiles.MAX_BYTES_CEILING)) {
            assertThatThrownBy(() -> VideoDetection.run(detector, "camera:57", tmp.resolve("c.mp4"),
                    DetectOptions.defaults(), TestSpark.pixelLimit(), null)).isInstanceOf(InputUnusableException.class)
                    .hasMessageContaining("camera 57");
            assertThatThrownBy(() -> VideoDetection.run(detector, tmp.resolve("none.avi").toString(),
                    tmp.resolve("n.mp4"), DetectOptions.defaults(), TestSpark.pixelLimit(), null)).isInstanceOf(InputUnusableException.class)
                    .hasMessageContaining("none.avi");
            assertThat(tmp.toFile().list()).isEmpty();
        }
    }

    /** issue 12, part 2: frames above the pixel limit are refused from the stream's declared size */
    @Test
    void aStreamAboveThePixelLimitIsRefusedBeforeAFrameIsDecoded(@TempDir Path tmp) throws Exception {
        Path in = TestData.require(VTEST);
        try (Detector detector = Detectors.open(new Storage(new Configuration()), MODEL.toString(), 1, "cpu",
                ModelFiles.MAX_BYTES_CEILING)) {
            long[] frames = {0};
            assertThatThrownBy(() -> VideoDetection.run(detector, in.toString(), tmp.resolve("v.mp4"),
                    DetectOptions.defaults(), new PixelLimit(768 * 576 - 1), (frame, fps) -> ++frames[0] > 0))
                    .isInstanceOf(InputUnusableException.class)
                    .hasMessage(in + ": refused before decoding a frame: the video stream declares frames of 768x576 = "
                            + "442368 pixels, more than sparkdet.images.max-pixels = 442367");
            assertThat(frames[0]).isZero();
            assertThat(tmp.toFile().list()).isEmpty();
        }
    }
}

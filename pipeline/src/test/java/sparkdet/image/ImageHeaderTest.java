package sparkdet.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import sparkdet.testing.TestData;

class ImageHeaderTest {
    private static ImageHeader.Size read(byte[] bytes) throws IOException {
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            return ImageHeader.read(in);
        }
    }

    @Test
    void realJpegsFromDarknet() throws Exception {
        assertThat(read(Files.readAllBytes(TestData.require(TestData.DARKNET.resolve("dog.jpg")))))
                .isEqualTo(new ImageHeader.Size(768, 576));
        assertThat(read(Files.readAllBytes(TestData.DARKNET.resolve("horses.jpg"))))
                .isEqualTo(new ImageHeader.Size(773, 512));
    }

    @Test
    void realPngFromLabelme() throws Exception {
        Path png = TestData.require(TestData.LABELME.resolve(
                "instance_segmentation/data_dataset_voc/SegmentationClassPNG/2011_000003.png"));
        assertThat(read(Files.readAllBytes(png))).isEqualTo(new ImageHeader.Size(500, 338));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png", "gif", "bmp", "jpg"})
    void jdkWrittenFormats(String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(123, 45, BufferedImage.TYPE_INT_RGB), format, out);
        assertThat(read(out.toByteArray())).isEqualTo(new ImageHeader.Size(123, 45));
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 101})
    void webpWrittenByOpenCv(int quality) throws Exception {
        OpenCv.load();
        Mat m = new Mat(37, 211, opencv_core.CV_8UC3, new Scalar(40, 90, 200, 0));
        BytePointer buf = new BytePointer();
        // quality 100 and above asks OpenCV's WebP encoder for its lossless (VP8L) form
        opencv_imgcodecs.imencode(".webp", m, buf, new org.bytedeco.javacpp.IntPointer(
                opencv_imgcodecs.IMWRITE_WEBP_QUALITY, quality));
        byte[] bytes = new byte[(int) buf.limit()];
        buf.get(bytes);
        assertThat(read(bytes)).isEqualTo(new ImageHeader.Size(211, 37));
    }

    @Test
    void truncatedAndForeignFilesAreErrors() throws Exception {
        byte[] jpg = Files.readAllBytes(TestData.require(TestData.DARKNET.resolve("dog.jpg")));
        assertThatThrownBy(() -> read(Arrays.copyOf(jpg, 40))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read("<annotation/>".getBytes())).hasMessageContaining("not a JPEG, PNG");
        assertThatThrownBy(() -> read(new byte[0])).isInstanceOf(IOException.class);
    }
}

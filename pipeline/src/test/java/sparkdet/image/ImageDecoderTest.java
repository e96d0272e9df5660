package sparkdet.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import sparkdet.testing.Bombs;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

/** Issue 12, part 2: the pixel limit is applied to the header's size, before OpenCV decodes anything. */
class ImageDecoderTest {
    @Test
    void aPngDeclaring30000x30000IsRefusedFromItsHeader() throws Exception {
        byte[] bomb = Bombs.png(30000, 30000);
        assertThat(bomb.length).as("a small file").isLessThan(64 << 10);
        // decoded it would be 2.7 GB of RGB (more than a Java array holds): the header alone refuses it
        assertThatThrownBy(() -> ImageDecoder.decode(bomb, "bomb.png", TestSpark.pixelLimit()))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessage("bomb.png: refused undecoded: its header declares 30000x30000 = 900000000 pixels, "
                        + "more than sparkdet.images.max-pixels = 200000000");
    }

    @Test
    void theLimitIsTheSettingsValue() throws Exception {
        byte[] dog = Files.readAllBytes(TestData.require(TestData.DARKNET.resolve("dog.jpg")));
        assertThat(ImageDecoder.decode(dog, "dog.jpg", new PixelLimit(768 * 576)).width()).isEqualTo(768);
        assertThatThrownBy(() -> ImageDecoder.decode(dog, "dog.jpg", new PixelLimit(768 * 576 - 1)))
                .isInstanceOf(ImageTooLargeException.class).hasMessageContaining("768x576");
        assertThatThrownBy(() -> new PixelLimit(0)).hasMessageContaining("sparkdet.images.max-pixels");
    }

    @Test
    void aFormatWhoseHeaderIsNotReadIsRefusedNotDecoded() {
        // OpenCV decodes TIFF, but nothing would check the size it declares
        OpenCv.load();
        Mat m = new Mat(20, 30, opencv_core.CV_8UC3, new Scalar(10, 20, 30, 0));
        BytePointer buf = new BytePointer();
        opencv_imgcodecs.imencode(".tiff", m, buf);
        byte[] tiff = new byte[(int) buf.limit()];
        buf.get(tiff);
        assertThatThrownBy(() -> ImageDecoder.decode(tiff, "scan.jpg", TestSpark.pixelLimit()))
                .isInstanceOf(IOException.class).isNotInstanceOf(ImageTooLargeException.class)
                .hasMessage("scan.jpg is not a decodable image: not a JPEG, PNG, GIF, BMP or WebP file");
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[] {(byte) 0x89, 'P', 'N'}, "cut.png",
                TestSpark.pixelLimit())).hasMessage("cut.png is not a decodable image: it ends inside its header");
    }
}

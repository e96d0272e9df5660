package sparkdet.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import sparkdet.image.ImageDecoder;
import sparkdet.image.RgbImage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;

class ImageToTensorTest {
    /**
     * darknet's dog.jpg (768x576) decoded by JavaCV/OpenCV into a [1,3,H,W] tensor: its size, and
     * its per-channel means equal to those of the same JPEG decoded by the JDK's own decoder
     * (two JPEG decoders may differ by a rounding step, not more).
     */
    @Test
    void jpegDecodesIntoTensor() throws Exception {
        Path jpg = TestData.require(TestData.DARKNET.resolve("dog.jpg"));
        RgbImage image = ImageDecoder.decode(Files.readAllBytes(jpg), jpg.toString(), TestSpark.pixelLimit());
        assertThat(image.width()).isEqualTo(768);
        assertThat(image.height()).isEqualTo(576);
        BufferedImage ref = ImageIO.read(jpg.toFile());
        double[] refMean = new double[3];
        for (int y = 0; y < ref.getHeight(); y++) {
            for (int x = 0; x < ref.getWidth(); x++) {
                int rgb = ref.getRGB(x, y);
                refMean[0] += ((rgb >> 16) & 0xff) / 255.0;
                refMean[1] += ((rgb >> 8) & 0xff) / 255.0;
                refMean[2] += (rgb & 0xff) / 255.0;
            }
        }
        try (PointerScope scope = new PointerScope()) {
            Tensor t = ImageTensors.toTensor(image);
            assertThat(t.sizes().vec().get()).containsExactly(1, 3, 576, 768);
            for (int c = 0; c < 3; c++) {
                double mean = t.select(1, c).mean().item_double();
                assertThat(mean).isCloseTo(refMean[c] / (768 * 576), org.assertj.core.data.Offset.offset(2.0 / 255));
            }
            assertThat(t.max().item_float()).isLessThanOrEqualTo(1f);
        }
    }

    @Test
    void undecodableBytesAreAClearError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> ImageDecoder.decode("not an image".getBytes(), "fake.jpg", TestSpark.pixelLimit()))
                .hasMessageContaining("fake.jpg", TestSpark.pixelLimit()).hasMessageContaining("not a decodable image");
    }
}

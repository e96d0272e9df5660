package sparkdet.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import sparkdet.image.ImageDecoder;
import sparkdet.image.PixelFormat;
import sparkdet.image.RgbImage;
import sparkdet.testing.TestData;
import sparkdet.testing.TestSpark;
import sparkdet.transforms.Letterbox;
import sparkdet.transforms.Resize;

/**
 * The detect path writes each scaled picture and its bars straight into the network's planes; the
 * numbers must be those of the square letterboxed image (what training's batches convert) converted
 * afterwards, bit for bit.
 */
class PreprocessorTest {
    private static RgbImage photo(String name) throws Exception {
        Path p = TestData.require(TestData.DARKNET.resolve(name));
        return ImageDecoder.decode(Files.readAllBytes(p), p.toString(), TestSpark.pixelLimit());
    }

    @Test
    void planesEqualTheSquareImageConverted() throws Exception {
        // dog.jpg is wider than high (bars above and below), person.jpg the other way round
        List<RgbImage> photos = List.of(photo("dog.jpg"), photo("person.jpg"));
        PixelFormat imagenet = new PixelFormat(PixelFormat.Channels.BGR, 1.0 / 255, new double[] {0.406, 0.456, 0.485},
                new double[] {0.225, 0.224, 0.229});
        for (Resize resize : Resize.values()) {
            for (PixelFormat format : List.of(PixelFormat.unit(), imagenet)) {
                int size = 320;
                int fill = 114;
                Preprocessor.Batch batch = new Preprocessor(InferenceSpec.segmentation(List.of("background", "x"), size,
                        format, resize, fill)).prepare(photos);
                float[] expected = new float[photos.size() * 3 * size * size];
                for (int i = 0; i < photos.size(); i++) {
                    Letterbox lb = resize.fit(photos.get(i), size, fill);
                    format.table().toPlanes(lb.image(), expected, i * 3 * size * size);
                    assertThat(batch.placements().get(i)).isEqualTo(lb.placement());
                }
                assertThat(batch.input()).as("%s, %s", resize, format.channels()).isEqualTo(expected);
            }
        }
    }
}
